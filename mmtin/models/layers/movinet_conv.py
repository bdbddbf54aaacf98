# Copyright (c) OpenMMLab. All rights reserved.
"""Conv + norm + activation unit of MoViNet, causal and (2+1)D capable."""
from typing import Dict, Optional, Sequence, Tuple, Union

import torch.nn as nn
from mmcv.cnn import (build_activation_layer, build_conv_layer,
                      build_norm_layer)
from torch import Tensor

from mmtin.ops.stream_ops import stream_buffer

#: MoViNet's BatchNorm: TF momentum 0.99 is PyTorch momentum 0.01.
MOVINET_NORM_CFG = dict(type='BN3d', eps=1e-3, momentum=0.01)
CONV_TYPES = ('3d', '2plus1d', '3d_2plus1d')


def _triple(value: Union[int, Sequence[int]], name: str) -> Tuple[int, ...]:
    if isinstance(value, int):
        return (value, ) * 3
    value = tuple(value)
    if len(value) != 3:
        raise ValueError(f'{name} must be an int or 3 ints, got {value}')
    return value


class MoViNetConv(nn.Module):
    """Convolution, norm and activation with causal and (2+1)D modes.

    * ``conv_type='3d'``: one ``kt x k x k`` convolution, then norm and
      activation.
    * ``conv_type='2plus1d'`` (``'3d_2plus1d'`` is an alias; MoViNet trains
      with the latter and infers with the former, same weights): a
      ``1 x k x k`` convolution with the spatial stride, norm and activation,
      then a ``kt x 1 x 1`` convolution, its own norm (``norm_t``) and the
      activation again. With ``kt = 1`` it is the same as ``'3d'``.

    With ``causal=True`` the temporal padding is ``kt - 1`` frames on the
    left only, taken from a stream buffer (zeros at the start of a video), so
    ``forward`` can run a video in chunks. Otherwise the temporal padding is
    symmetric (``kt // 2``). Spatial padding is always ``k // 2``.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (int | Sequence[int]): ``(kt, kh, kw)``. Default: 1.
        spatial_stride (int): Stride in H and W (never in time). Default: 1.
        groups (int): Convolution groups (``in_channels`` for depthwise).
            Default: 1.
        conv_type (str): ``'3d'``, ``'2plus1d'`` or ``'3d_2plus1d'``.
            Default: ``'3d'``.
        causal (bool): Causal temporal padding with a stream buffer.
            Default: False.
        bias (bool): Whether the convolutions have a bias. Default: False.
        conv_cfg (dict): Config of the convolutions (3D).
            Default: ``dict(type='Conv3d')``.
        norm_cfg (dict, optional): Norm layer config; None for no norm.
            Default: ``dict(type='BN3d', eps=1e-3, momentum=0.01)``.
        act_cfg (dict, optional): Activation config; None for no
            activation. Default: None.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: Union[int, Sequence[int]] = 1,
                 spatial_stride: int = 1,
                 groups: int = 1,
                 conv_type: str = '3d',
                 causal: bool = False,
                 bias: bool = False,
                 conv_cfg: Dict = dict(type='Conv3d'),
                 norm_cfg: Optional[Dict] = MOVINET_NORM_CFG,
                 act_cfg: Optional[Dict] = None):
        super().__init__()
        if conv_type not in CONV_TYPES:
            raise ValueError(f'MoViNetConv: conv_type must be one of '
                             f'{CONV_TYPES}, got {conv_type!r}')
        kt, kh, kw = _triple(kernel_size, 'MoViNetConv: kernel_size')
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError(f'MoViNetConv: spatial kernel sizes must be odd, '
                             f'got {(kt, kh, kw)}')
        self.kernel_size = (kt, kh, kw)
        self.causal = causal
        self.separable = conv_type != '3d' and kt > 1
        self.buffer_size = kt - 1 if causal else 0
        pad_t = 0 if causal else kt // 2
        stride = (1, spatial_stride, spatial_stride)
        first_kt = 1 if self.separable else kt
        first_pad_t = 0 if self.separable else pad_t
        self.conv = build_conv_layer(
            conv_cfg, in_channels, out_channels, (first_kt, kh, kw),
            stride=stride, padding=(first_pad_t, kh // 2, kw // 2),
            groups=groups, bias=bias)
        self.norm = self._norm(norm_cfg, out_channels)
        self.act = self._act(act_cfg)
        if self.separable:
            self.conv_t = build_conv_layer(
                conv_cfg, out_channels, out_channels, (kt, 1, 1),
                padding=(pad_t, 0, 0), groups=groups, bias=bias)
            self.norm_t = self._norm(norm_cfg, out_channels)
            self.act_t = self._act(act_cfg)

    @staticmethod
    def _norm(norm_cfg: Optional[Dict], channels: int) -> nn.Module:
        if norm_cfg is None:
            return nn.Identity()
        return build_norm_layer(norm_cfg, channels)[1]

    @staticmethod
    def _act(act_cfg: Optional[Dict]) -> nn.Module:
        if act_cfg is None:
            return nn.Identity()
        return build_activation_layer(act_cfg)

    def forward(self, x: Tensor, states: Optional[Dict[str, Tensor]] = None
                ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Run one chunk (or a whole clip).

        Args:
            x (Tensor): ``[N, C, T, H, W]``.
            states (dict, optional): ``{'buffer': Tensor}`` from the previous
                chunk; None or missing at the start of a video.

        Returns:
            tuple[Tensor, dict]: The output ``[N, C', T, H', W']`` and the new
            states (empty unless the module is causal with ``kt > 1``).
        """
        buffer = None if states is None else states.get('buffer')
        new_states = {}
        if not self.separable:
            x, buffer = stream_buffer(x, buffer, self.buffer_size)
        x = self.act(self.norm(self.conv(x)))
        if self.separable:
            x, buffer = stream_buffer(x, buffer, self.buffer_size)
            x = self.act_t(self.norm_t(self.conv_t(x)))
        if buffer is not None:
            new_states['buffer'] = buffer
        return x, new_states
