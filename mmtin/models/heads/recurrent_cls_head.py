# Copyright (c) OpenMMLab. All rights reserved.
"""Recurrent classifier of AdaFocus: a prediction after every frame."""
from typing import Dict, Optional

import torch
from mmengine.model.weight_init import normal_init
from torch import nn

from mmaction.models.heads.base import BaseHead
from mmaction.registry import MODELS
from mmaction.utils import SampleList


@MODELS.register_module()
class RecurrentClsHead(BaseHead):
    """GRU over per-frame features, then dropout and a linear classifier.

    AdaFocus feeds ``[glance feature || focus feature]`` of frame ``t`` to
    a GRU; the logits after frame ``t`` use frames ``<= t`` only, so a
    prediction exists after every frame (the basis of early exit). The
    training loss is the classification loss averaged over the steps.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Per-frame feature width (glance + focus).
        hidden_channels (int): GRU width. Default: 1024.
        dropout_ratio (float): Dropout before the classifier. Default: 0.5.
        init_std (float): Std of the classifier's initial weights.
            Default: 0.01.
        loss_cls (dict): Classification loss config.
            Default: ``dict(type='CrossEntropyLoss')``.
        kwargs: Other :class:`BaseHead` arguments (``topk``,
            ``average_clips``, ``label_smooth_eps`` ...).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 hidden_channels: int = 1024,
                 dropout_ratio: float = 0.5,
                 init_std: float = 0.01,
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 init_cfg: Optional[Dict] = None,
                 **kwargs) -> None:
        kwargs.setdefault('topk', (1, ))
        kwargs.setdefault('average_clips', 'prob')
        super().__init__(num_classes, in_channels, loss_cls=loss_cls,
                         init_cfg=init_cfg, **kwargs)
        self.init_std = init_std
        self.gru = nn.GRU(in_channels, hidden_channels, batch_first=True)
        self.dropout = nn.Dropout(p=dropout_ratio)
        self.fc_cls = nn.Linear(hidden_channels, num_classes)

    def init_weights(self) -> None:
        """Initiate the classifier's parameters."""
        normal_init(self.fc_cls, std=self.init_std)

    def forward(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        """Per-step logits.

        Args:
            x (torch.Tensor): ``[N, T, in_channels]`` per-frame features.

        Returns:
            torch.Tensor: ``[N, T, num_classes]`` logits after each frame.
        """
        if x.dim() != 3 or x.shape[-1] != self.in_channels:
            raise ValueError(
                'RecurrentClsHead expects [N, T, in_channels='
                f'{self.in_channels}] features, got {tuple(x.shape)}; set '
                'cls_head.in_channels')
        return self.step(x)[0]

    def step(self, x: torch.Tensor, hidden: Optional[torch.Tensor] = None):
        """Per-step logits from a GRU state (frame-by-frame runs).

        Args:
            x (torch.Tensor): ``[N, T, in_channels]`` per-frame features.
            hidden (torch.Tensor, optional): GRU state ``[1, N, hidden]``
                after the frames before these. Default: None.

        Returns:
            tuple: ``[N, T, num_classes]`` logits and the GRU state after
            the last frame.
        """
        h, hidden = self.gru(x, hidden)
        return self.fc_cls(self.dropout(h)), hidden

    def loss_by_feat(self, cls_scores: torch.Tensor,
                     data_samples: SampleList) -> Dict:
        """Loss averaged over steps; accuracy of the last step.

        Args:
            cls_scores (torch.Tensor): ``[N, T, num_classes]`` logits (a
                ``[N, num_classes]`` tensor counts as one step).
            data_samples (list[ActionDataSample]): With ``gt_label``.

        Returns:
            dict: ``loss_cls`` (mean over steps) and ``top{k}_acc`` of the
            final step.
        """
        if cls_scores.dim() == 2:
            cls_scores = cls_scores[:, None]
        n, t = cls_scores.shape[:2]
        losses = super().loss_by_feat(cls_scores[:, -1], data_samples)
        if t > 1:
            repeated = [s for s in data_samples for _ in range(t)]
            step = super().loss_by_feat(cls_scores.flatten(0, 1), repeated)
            losses['loss_cls'] = step['loss_cls']
        return losses
