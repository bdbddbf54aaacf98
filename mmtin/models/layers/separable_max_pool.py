# Copyright (c) OpenMMLab. All rights reserved.
"""``nn.MaxPool2d`` without argmax indices on CPU inference.

The deploy form of the ResNet stem pool (see
:func:`mmtin.ops.separable_max_pool2d`); :meth:`TDNResNet.switch_to_deploy
<mmtin.models.backbones.TDNResNet.switch_to_deploy>` swaps it in.
"""
import torch
import torch.nn as nn
from torch import Tensor

from mmtin.ops.separable_max_pool import _pair, separable_max_pool2d


class SeparableMaxPool2d(nn.MaxPool2d):
    """``nn.MaxPool2d`` that skips the argmax indices on CPU when no gradient
    is needed (see :func:`separable_max_pool2d`).

    With autograd recording (training), it is ``nn.MaxPool2d`` itself, so the
    gradient routing at ties is PyTorch's; so it is on other devices (the
    CUDA pool kernel is fast). Same arguments as ``nn.MaxPool2d``; dilation,
    ``ceil_mode`` and ``return_indices`` fall back to it too.
    """

    def forward(self, x: Tensor) -> Tensor:
        """``(N, C, H, W) -> (N, C, H_out, W_out)``."""
        if x.device.type != 'cpu' or \
                (torch.is_grad_enabled() and x.requires_grad) or \
                self.return_indices or self.ceil_mode or \
                _pair(self.dilation) != (1, 1):
            return super().forward(x)
        return separable_max_pool2d(x, self.kernel_size, self.stride,
                                    self.padding)
