# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML's learnable late fusion of per-modality logits."""
import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn


@MODELS.register_module()
class LearnableLateFusion(BaseModule):
    """``sum_m a_m * logits_m`` with ``a_M = 1 - sum_{m<M} a_m``.

    The first ``M - 1`` weights are parameters (initialised to ``1 / M``);
    the last one is what is left, so the weights always sum to 1.

    Args:
        num_modalities (int): M. Default: 3.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self, num_modalities: int = 3, init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_modalities < 1:
            raise ValueError('LearnableLateFusion: num_modalities must be '
                             f'>= 1, got {num_modalities}')
        self.num_modalities = num_modalities
        self.free_weights = nn.Parameter(
            torch.full((num_modalities - 1, ), 1.0 / num_modalities))

    @property
    def weights(self) -> Tensor:
        """Tensor: ``(M, )`` fusion weights, summing to 1."""
        return torch.cat(
            [self.free_weights, 1 - self.free_weights.sum().view(1)])

    def forward(self, logits: Tensor) -> Tensor:
        """Fuse ``(..., M, K)`` logits into ``(..., K)``."""
        if logits.dim() < 2 or logits.shape[-2] != self.num_modalities:
            raise ValueError(
                f'LearnableLateFusion: logits must be (..., '
                f'{self.num_modalities}, K), got {tuple(logits.shape)}')
        return (logits * self.weights[:, None]).sum(-2)
