# Copyright (c) OpenMMLab. All rights reserved.
"""MoViNet backbones A0-A5 and T0, base and stream variants.

Paper: Kondratyuk et al., "MoViNets: Mobile Video Networks for Efficient
Video Recognition", CVPR 2021 (https://arxiv.org/abs/2103.11511). Block
specs follow TF Model Garden (``projects/movinet``); see
:mod:`mmtin.models.backbones.movinet_arch`.
"""
import copy
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from mmtin.models.layers.movinet_block import MoViNetBlock
from mmtin.models.layers.movinet_conv import MOVINET_NORM_CFG, MoViNetConv
from mmtin.ops.stream_ops import add_states, sub_states
from .movinet_arch import MOVINET_ARCHS, parse_layers

StateDict = Dict[str, Tensor]


@MODELS.register_module()
class MoViNet(BaseModule):
    """MoViNet backbone with an explicit streaming state.

    ``[N, 3, T, H, W] -> stem (1x3x3, stride (1,2,2)) -> 5 stages of
    MoViNetBlock -> 1x1x1 conv to `project` channels (norm, act)
    -> [N, project, T, H/32, W/32]``. There is no temporal stride anywhere,
    so every input frame has an output frame. Pooling and the classifier are
    in :class:`MoViNetHead`.

    Variants (the published settings):

    * base: ``causal=False, conv_type='3d', se_type='3d'``, Swish (SiLU)
      and sigmoid gating;
    * stream: ``causal=True, conv_type='2plus1d', se_type='2plus3d'``,
      ``act_cfg=dict(type='HSwish')``, ``gate_cfg=dict(type='HSigmoid')``,
      and ``use_pos_encoding=True`` for A3-A5 only.

    Streaming (causal models only): ``forward(x, states)`` with ``states`` a
    dict (``{}`` or :meth:`init_states` at the start of a video) runs one
    chunk and returns ``(feat, new_states)``; feeding the chunks of a clip in
    order gives the same per-frame features as ``forward(clip)`` (in eval
    mode, float64 to 1e-10). ``forward(x)`` alone returns the features only.

    Args:
        arch (str | dict): ``'a0'``-``'a5'``, ``'t0'``, or a dict with keys
            ``stem`` (int), ``stages`` (list of ``(base_channels, 'E/tkk[*]
            ...')``) and ``project`` (int), e.g. a tiny model for tests.
            Default: ``'a0'``.
        in_channels (int): Input channels. Default: 3.
        causal (bool): Causal temporal convs and cumulative SE (streamable).
            Default: False.
        conv_type (str): ``'3d'``, ``'2plus1d'`` or ``'3d_2plus1d'``.
            Default: ``'3d'``.
        se_type (str): ``'3d'``, ``'2d'``, ``'2plus3d'`` or ``'none'``.
            Default: ``'3d'``.
        se_ratio (float): SE width ratio. Default: 0.25.
        use_pos_encoding (bool): Positional encoding in the SE layers
            (requires ``causal=True``). Default: False.
        conv_cfg (dict): Config of the convolutions (3D).
            Default: ``dict(type='Conv3d')``.
        norm_cfg (dict): Norm config. Default: ``dict(type='BN3d',
            eps=1e-3, momentum=0.01)``.
        act_cfg (dict): Main activation. Default: ``dict(type='SiLU')``.
        gate_cfg (dict): SE gating. Default: ``dict(type='Sigmoid')``.
        drop_path_rate (float): Stochastic depth of the last layer; layer
            ``i`` (1-based, of L) uses ``drop_path_rate * i / L``.
            Default: 0.
        norm_eval (bool): Keep norm layers in eval mode while training.
            Default: False.
        init_cfg (dict | list[dict], optional): Initialization config.
            Default: None (He-normal convs, unit norms).
    """

    def __init__(self,
                 arch: Union[str, dict] = 'a0',
                 in_channels: int = 3,
                 causal: bool = False,
                 conv_type: str = '3d',
                 se_type: str = '3d',
                 se_ratio: float = 0.25,
                 use_pos_encoding: bool = False,
                 conv_cfg: Dict = dict(type='Conv3d'),
                 norm_cfg: Dict = MOVINET_NORM_CFG,
                 act_cfg: Dict = dict(type='SiLU'),
                 gate_cfg: Dict = dict(type='Sigmoid'),
                 drop_path_rate: float = 0.,
                 norm_eval: bool = False,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None):
        super().__init__(init_cfg=init_cfg)
        arch = self._resolve_arch(arch)
        if use_pos_encoding and not causal:
            raise ValueError('MoViNet: use_pos_encoding=True requires '
                             'causal=True')
        if not 0 <= drop_path_rate < 1:
            raise ValueError(f'MoViNet: drop_path_rate must be in [0, 1), '
                             f'got {drop_path_rate}')
        self.arch = arch
        self.causal = causal
        self.conv_type = conv_type
        self.se_type = se_type
        self.norm_eval = norm_eval
        common = dict(
            conv_type=conv_type, conv_cfg=conv_cfg, norm_cfg=norm_cfg)

        self.stem = MoViNetConv(
            in_channels, arch['stem'], (1, 3, 3), spatial_stride=2,
            causal=causal, act_cfg=act_cfg, **common)
        stages = [(c, parse_layers(spec)) for c, spec in arch['stages']]
        num_layers = sum(len(layers) for _, layers in stages)
        self.layer_names = []
        channels, index = arch['stem'], 0
        for i, (out_channels, layers) in enumerate(stages):
            for j, (expand, kernel, stride) in enumerate(layers):
                index += 1
                block = MoViNetBlock(
                    channels, out_channels, expand, kernel,
                    spatial_stride=stride, se_type=se_type,
                    se_ratio=se_ratio, causal=causal,
                    use_pos_encoding=use_pos_encoding, act_cfg=act_cfg,
                    gate_cfg=gate_cfg,
                    drop_path_rate=drop_path_rate * index / num_layers,
                    **common)
                name = f'block{i + 2}_{j}'
                self.add_module(name, block)
                self.layer_names.append(name)
                channels = out_channels
        self.conv_head = MoViNetConv(
            channels, arch['project'], 1, act_cfg=act_cfg, **common)
        self.out_channels = arch['project']

    @staticmethod
    def _resolve_arch(arch: Union[str, dict]) -> dict:
        if isinstance(arch, str):
            key = arch.lower()
            if key not in MOVINET_ARCHS:
                raise ValueError(f'MoViNet: unknown arch {arch!r}; choose '
                                 f'from {sorted(MOVINET_ARCHS)} or pass a '
                                 f'dict')
            return copy.deepcopy(MOVINET_ARCHS[key])
        if not isinstance(arch, dict):
            raise TypeError(f'MoViNet: arch must be a str or dict, got '
                            f'{type(arch).__name__}')
        missing = {'stem', 'stages', 'project'} - set(arch)
        if missing:
            raise ValueError(f'MoViNet: arch dict lacks keys '
                             f'{sorted(missing)}')
        return dict(arch)

    def init_weights(self) -> None:
        """He-normal (fan-in) convs with zero bias and unit norms, unless an
        ``init_cfg`` is given. ReZero and positional-encoding scales keep
        their zero init."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight, mode='fan_in',
                                        nonlinearity='relu')
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.modules.batchnorm._BatchNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor, states: Optional[StateDict] = None
                ) -> Union[Tensor, Tuple[Tensor, StateDict]]:
        """Run a clip, or one chunk of a stream.

        Args:
            x (Tensor): ``[N, C, T, H, W]``.
            states (dict, optional): None for clip mode (the video starts at
                ``x[:, :, 0]``). For streaming, the states returned by the
                previous call, or ``{}`` / :meth:`init_states` for the first
                chunk.

        Returns:
            Tensor | tuple[Tensor, dict]: ``[N, project, T, H', W']``; in
            streaming mode also the new states (a flat dict of tensors).
        """
        if x.dim() != 5:
            raise ValueError(f'MoViNet expects [N, C, T, H, W] input, got '
                             f'shape {tuple(x.shape)}')
        streaming = states is not None
        if streaming and not self.causal:
            raise ValueError('MoViNet: streaming (states=...) needs a causal '
                             'model; build it with causal=True')
        new_states = {}
        x, _ = self.stem(x)
        for name in self.layer_names:
            x, s = getattr(self, name)(x, sub_states(states, name + '.'))
            add_states(new_states, name + '.', s)
        x, _ = self.conv_head(x)
        return (x, new_states) if streaming else x

    @torch.no_grad()
    def init_states(self,
                    input_shape: Optional[Sequence[int]] = None,
                    dtype: Optional[torch.dtype] = None,
                    device: Optional[torch.device] = None) -> StateDict:
        """States for the first chunk of a video.

        Args:
            input_shape (Sequence[int], optional): ``(N, C, T, H, W)`` of the
                chunks (T is ignored). None returns ``{}``, which every
                layer reads as zeros. With a shape, explicit zero tensors
                are returned (e.g. as fixed inputs of an exported graph).
            dtype (torch.dtype, optional): Dtype of the float states.
                Default: the parameters' dtype.
            device (torch.device, optional): Device. Default: the
                parameters' device.

        Returns:
            dict: ``{name: Tensor}``.
        """
        if not self.causal:
            raise ValueError('MoViNet: init_states() needs a causal model')
        if input_shape is None:
            return {}
        param = next(self.parameters())
        dtype = dtype or param.dtype
        device = device or param.device
        n, c, _, h, w = input_shape
        mode = self.training
        self.eval()
        try:
            _, states = self.forward(
                param.new_zeros(n, c, 1, h, w), {})
        finally:
            self.train(mode)
        return {
            k: torch.zeros_like(
                v, dtype=dtype if v.is_floating_point() else v.dtype,
                device=device)
            for k, v in states.items()
        }

    def train(self, mode: bool = True) -> 'MoViNet':
        """Set train mode; norms stay in eval mode if ``norm_eval``."""
        super().train(mode)
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self
