# Copyright (c) OpenMMLab. All rights reserved.
"""Squeeze-excitation of MoViNet with a causal (cumulative) squeeze."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import build_activation_layer, build_conv_layer
from torch import Tensor

from mmtin.ops.stream_ops import cumulative_mean, sinusoidal_position_encoding

SE_TYPES = ('3d', '2d', '2plus3d')


class MoViNetSE(nn.Module):
    """Squeeze-excitation over space and (causal) time.

    The squeeze depends on ``se_type``:

    * ``'3d'``: the mean over T, H and W; with ``causal=True`` the
      cumulative mean over time, ``mean(x[:, :, :t+1])`` for frame ``t``;
    * ``'2d'``: the per-frame spatial mean;
    * ``'2plus3d'``: the two above concatenated (``2 * channels`` wide).

    The causal squeeze carries a running sum and frame count across chunks.
    With ``use_pos_encoding`` a sinusoidal encoding of the absolute frame
    index, scaled by a learned scalar (initialised to 0), is added to the
    squeezed vector. Then ``conv(hidden) -> act -> conv(channels) -> gate``
    (1x1x1 convolutions with bias) rescales the input.

    Args:
        channels (int): Input (and output) channels.
        hidden_channels (int): Channels of the bottleneck.
        se_type (str): ``'3d'``, ``'2d'`` or ``'2plus3d'``. Default: ``'3d'``.
        causal (bool): Use the cumulative temporal mean. Default: False.
        use_pos_encoding (bool): Add the scaled positional encoding.
            Default: False.
        act_cfg (dict): Activation of the bottleneck.
            Default: ``dict(type='SiLU')``.
        gate_cfg (dict): Gating activation. Default: ``dict(type='Sigmoid')``.
        conv_cfg (dict): Config of the convolutions (3D).
            Default: ``dict(type='Conv3d')``.
    """

    def __init__(self,
                 channels: int,
                 hidden_channels: int,
                 se_type: str = '3d',
                 causal: bool = False,
                 use_pos_encoding: bool = False,
                 act_cfg: Dict = dict(type='SiLU'),
                 gate_cfg: Dict = dict(type='Sigmoid'),
                 conv_cfg: Dict = dict(type='Conv3d')):
        super().__init__()
        if se_type not in SE_TYPES:
            raise ValueError(f'MoViNetSE: se_type must be one of {SE_TYPES}, '
                             f'got {se_type!r}')
        self.se_type = se_type
        self.causal = causal
        self.use_pos_encoding = use_pos_encoding
        squeeze_channels = channels * (2 if se_type == '2plus3d' else 1)
        self.reduce = build_conv_layer(conv_cfg, squeeze_channels,
                                       hidden_channels, 1)
        self.act = build_activation_layer(act_cfg)
        self.expand = build_conv_layer(conv_cfg, hidden_channels, channels,
                                       1)
        self.gate = build_activation_layer(gate_cfg)
        if use_pos_encoding:
            self.pos_scale = nn.Parameter(torch.zeros(()))

    def _squeeze(self, x: Tensor, states: Optional[Dict[str, Tensor]],
                 new_states: Dict[str, Tensor]) -> Tensor:
        """``[N, C, T, H, W] -> [N, C', T', 1, 1]`` with T' = 1 or T."""
        frames = x.mean(dim=(3, 4))  # [N, C, T]
        if self.se_type == '2d':
            return frames[..., None, None]
        if self.causal:
            states = states or {}
            pooled, total, count = cumulative_mean(
                frames, states.get('pool_sum'), states.get('pool_count'))
            new_states.update(pool_sum=total, pool_count=count)
        else:
            pooled = frames.mean(dim=2, keepdim=True).expand_as(frames)
        if self.se_type == '2plus3d':
            pooled = torch.cat([pooled, frames], dim=1)
        elif not self.causal:
            pooled = pooled[:, :, :1]
        return pooled[..., None, None]

    def forward(self, x: Tensor, states: Optional[Dict[str, Tensor]] = None
                ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Run one chunk (or a whole clip).

        Args:
            x (Tensor): ``[N, C, T, H, W]``.
            states (dict, optional): ``pool_sum``, ``pool_count`` and
                ``pe_count`` from the previous chunk; None at the start.

        Returns:
            tuple[Tensor, dict]: The gated input and the new states.
        """
        new_states = {}
        s = self._squeeze(x, states, new_states)
        if self.use_pos_encoding:
            start = None if states is None else states.get('pe_count')
            if start is None:
                start = torch.zeros(1, dtype=torch.long, device=x.device)
            t = s.shape[2]
            enc = sinusoidal_position_encoding(start, t, s.shape[1], s.dtype,
                                               s.device)
            s = s + self.pos_scale.to(s.dtype) * enc[None, :, :, None, None]
            new_states['pe_count'] = start + x.shape[2]
        s = self.gate(self.expand(self.act(self.reduce(s))))
        return x * s, new_states
