# Copyright (c) OpenMMLab. All rights reserved.
"""Quality-weighted fusion of aligned features (LSTS's SRFU / DFA)."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor


@MODELS.register_module()
class LSTSQualityFusion(BaseModule):
    """Fuse several aligned feature maps with per-position quality weights.

    As in LSTS's SRFU (keyframe memory update) and DFA (non-key frames):
    the inputs are concatenated along the batch axis and passed through one
    shared quality network (1x1 conv to ``mid_channels``, 3x3 conv to
    ``quality_channels``, 3x3 conv to 1), giving one score map per input;
    a softmax over the inputs at every position gives the weights of a
    weighted sum. With ``reference=i`` every input is scored together with
    input ``i`` (the current frame's features): the quality network sees
    the channel concatenation ``[x_j, x_i]``, so it can tell an input that
    agrees with the current frame from one that does not (two inputs of
    the same kind, as SRFU's keyframe features and memory, look equally
    good on their own).

    Args:
        in_channels (int): Channels ``C`` of every input.
        num_inputs (int): Number of fused inputs. Default: 2.
        mid_channels (int): Output channels of the 1x1 conv. Default: 256.
        quality_channels (int): Output channels of the middle 3x3 conv.
            Default: 16.
        conv_cfg (dict, optional): Conv layer config. Default: None.
        norm_cfg (dict, optional): Norm layer config of the first two
            convs. Default: None.
        act_cfg (dict): Activation of the first two convs.
            Default: dict(type='ReLU').
        reference (int, optional): Index of the input every input is
            scored with; None: each input is scored alone. Default: None.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 in_channels: int,
                 num_inputs: int = 2,
                 mid_channels: int = 256,
                 quality_channels: int = 16,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 reference: Optional[int] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if isinstance(num_inputs, bool) or not isinstance(
                num_inputs, int) or num_inputs < 1:
            raise ValueError('LSTSQualityFusion: num_inputs must be an int '
                             f'>= 1, got {num_inputs!r}')
        if reference is not None and (
                isinstance(reference, bool) or not isinstance(reference, int)
                or not 0 <= reference < num_inputs):
            raise ValueError('LSTSQualityFusion: reference must be None or '
                             f'an input index in [0, {num_inputs}), got '
                             f'{reference!r}')
        self.in_channels = in_channels
        self.num_inputs = num_inputs
        self.reference = reference
        common = dict(conv_cfg=conv_cfg)
        scored = in_channels * (1 if reference is None else 2)
        self.quality = nn.Sequential(
            ConvModule(scored, mid_channels, 1, norm_cfg=norm_cfg,
                       act_cfg=act_cfg, **common),
            ConvModule(mid_channels, quality_channels, 3, padding=1,
                       norm_cfg=norm_cfg, act_cfg=act_cfg, **common),
            ConvModule(quality_channels, 1, 3, padding=1, norm_cfg=None,
                       act_cfg=None, **common))

    def quality_weights(self, inputs: Sequence[Tensor]) -> Tensor:
        """The fusion weights: ``[num_inputs, B, 1, H, W]``, summing to 1
        over the inputs at every position.

        Args:
            inputs (Sequence[Tensor]): ``num_inputs`` feature maps of shape
                ``[B, C, H, W]``.
        """
        return self._weights(self._stack(inputs), len(inputs[0]))

    def forward(self, inputs: Sequence[Tensor]) -> Tensor:
        """Fuse ``num_inputs`` feature maps of shape ``[B, C, H, W]``.

        Args:
            inputs (Sequence[Tensor]): The aligned features.

        Returns:
            Tensor: ``[B, C, H, W]`` fused features.
        """
        stacked = self._stack(inputs)
        shape = inputs[0].shape
        weights = self._weights(stacked, shape[0])
        return (weights * stacked.view(self.num_inputs, *shape)).sum(0)

    def _stack(self, inputs: Sequence[Tensor]) -> Tensor:
        """Checks the inputs; ``[num_inputs * B, C, H, W]``."""
        inputs = list(inputs)
        if len(inputs) != self.num_inputs:
            raise ValueError(
                f'LSTSQualityFusion: got {len(inputs)} inputs; expected '
                f'num_inputs={self.num_inputs}')
        shape = inputs[0].shape
        for i, x in enumerate(inputs):
            if x.dim() != 4 or x.shape[1] != self.in_channels or (
                    x.shape != shape):
                raise ValueError(
                    f'LSTSQualityFusion: input {i} has shape '
                    f'{tuple(x.shape)}; all inputs must be [B, '
                    f'{self.in_channels}, H, W] (in_channels) of one shape')
        return torch.cat(inputs, dim=0)

    def _weights(self, stacked: Tensor, batch: int) -> Tensor:
        """Softmax over the inputs of the quality scores of ``stacked``."""
        if self.reference is not None:
            ref = stacked[self.reference * batch:(self.reference + 1) * batch]
            stacked = torch.cat(
                (stacked, ref.repeat(self.num_inputs, 1, 1, 1)), dim=1)
        scores = self.quality(stacked).view(self.num_inputs, batch, 1,
                                            *stacked.shape[2:])
        return scores.softmax(dim=0)
