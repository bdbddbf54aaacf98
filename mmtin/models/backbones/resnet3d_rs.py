# Copyright (c) OpenMMLab. All rights reserved.
"""3D ResNet-RS backbones (depths 50-350) on top of MMAction2's ResNet3d.

Paper: Du et al., "Revisiting 3D ResNets for Video Recognition", 2021
(https://arxiv.org/abs/2109.01696). Settings follow TF Model Garden
(``resnet_3d.py``, ``backbones_3d.ResNet3DRS`` and
``k400_resnet3drs_50_tpu.yaml``).
"""
from typing import Dict, Optional, Sequence, Union

import torch.nn as nn
from mmaction.models.backbones.resnet3d import ResNet3d
from mmaction.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import Sequential

from mmtin.models.layers.bottleneck3d_rs import (Bottleneck3dRS, SelfGating3d,
                                                 rs_block_kwargs)


@MODELS.register_module()
class ResNet3dRS(ResNet3d):
    """3D ResNet-RS: ResNet-D stem, SE, self-gating and stochastic depth.

    Differences from :class:`ResNet3d` (all other arguments are its own):

    * depths 50, 101, 152, 200, 270, 300 and 350 (``arch_settings``);
    * stem (ResNet-D): conv ``conv1_kernel`` (default 5x3x3) with stride
      ``(conv1_stride_t, 2, 2)`` to ``stem_channels``, conv 1x3x3 to
      ``stem_channels``, conv 1x3x3 to ``base_channels`` (each with norm
      and activation), then max-pool ``[kt, 3, 3]`` with stride
      ``(pool1_stride_t, 2, 2)``, ``kt = 1 if pool1_stride_t == 1 else 3``;
    * blocks are :class:`Bottleneck3dRS`: SE with ``se_ratio`` in every
      block, self-gating in the last block of each stage where
      ``self_gating[i]``, and DropPath at ``drop_path_rate * (i + 2) / 5`` in
      stage ``i`` (0.04, 0.06, 0.08, 0.10 for 0.1);
    * temporal kernels 1, 1, 3, 3 per stage (``inflate=(0, 0, 1, 1)``,
      ``'3x1x1'`` puts kt on the first conv), no temporal stride in the
      blocks and no ``pool2``.

    Args:
        depth (int): 50, 101, 152, 200, 270, 300 or 350. Default: 50.
        stem_channels (int): Width of the first two stem convs.
            Default: 32.
        se_ratio (float): SE ratio; 0 disables SE. Default: 0.25.
        self_gating (Sequence[bool]): Per stage, whether its last block
            self-gates. Default: ``(True, True, True, True)``.
        drop_path_rate (float): Base stochastic depth rate. Default: 0.1.
        pretrained (str, optional): A 3D checkpoint. Default: None.
        pretrained2d (bool): Inflate a 2D checkpoint. Default: False.
        conv1_kernel (Sequence[int]): First stem conv kernel.
            Default: ``(5, 3, 3)``.
        conv1_stride_t (int): First stem conv temporal stride. Default: 2.
        pool1_stride_t (int): Stem pool temporal stride (1 in the R3D-RS-50
            recipe). Default: 1.
        inflate (Sequence[int]): Temporal kernel 3 (1) or 1 (0) per stage.
            Default: ``(0, 0, 1, 1)``.
        with_pool2 (bool): Default: False.
        zero_init_residual (bool): Zero-init the last BN of each block.
            Default: False (as in the TF model).
        kwargs: Other arguments of :class:`ResNet3d`.
    """

    arch_settings = {
        50: (Bottleneck3dRS, (3, 4, 6, 3)),
        101: (Bottleneck3dRS, (3, 4, 23, 3)),
        152: (Bottleneck3dRS, (3, 8, 36, 3)),
        200: (Bottleneck3dRS, (3, 24, 36, 3)),
        270: (Bottleneck3dRS, (4, 29, 53, 4)),
        300: (Bottleneck3dRS, (4, 36, 54, 4)),
        350: (Bottleneck3dRS, (4, 36, 72, 4)),
    }

    def __init__(self,
                 depth: int = 50,
                 stem_channels: int = 32,
                 se_ratio: float = 0.25,
                 self_gating: Sequence[bool] = (True, True, True, True),
                 drop_path_rate: float = 0.1,
                 pretrained=None,
                 pretrained2d: bool = False,
                 conv1_kernel: Sequence[int] = (5, 3, 3),
                 conv1_stride_t: int = 2,
                 pool1_stride_t: int = 1,
                 inflate: Sequence[int] = (0, 0, 1, 1),
                 with_pool2: bool = False,
                 zero_init_residual: bool = False,
                 **kwargs) -> None:
        if depth not in self.arch_settings:
            raise KeyError(f'ResNet3dRS: invalid depth {depth}; choose from '
                           f'{sorted(self.arch_settings)}')
        num_stages = kwargs.get('num_stages', 4)
        if len(self_gating) != num_stages:
            raise ValueError(f'ResNet3dRS: self_gating needs one flag per '
                             f'stage ({num_stages}), got {self_gating}')
        if not 0 <= drop_path_rate < 1:
            raise ValueError(f'ResNet3dRS: drop_path_rate must be in [0, 1), '
                             f'got {drop_path_rate}')
        # read by _make_stem_layer, which ResNet3d.__init__ calls
        self.stem_channels = stem_channels
        super().__init__(
            depth=depth,
            pretrained=pretrained,
            pretrained2d=pretrained2d,
            conv1_kernel=conv1_kernel,
            conv1_stride_t=conv1_stride_t,
            pool1_stride_t=pool1_stride_t,
            inflate=inflate,
            with_pool2=with_pool2,
            zero_init_residual=zero_init_residual,
            rs_cfg=dict(se_ratio=se_ratio, self_gating=tuple(self_gating),
                        drop_path_rate=drop_path_rate),
            **kwargs)
        self.se_ratio = se_ratio
        self.self_gating = tuple(self_gating)
        self.drop_path_rate = drop_path_rate

    def make_res_layer(self,
                       block: nn.Module,
                       inplanes: int,
                       planes: int,
                       blocks: int,
                       spatial_stride: int = 1,
                       temporal_stride: int = 1,
                       dilation: int = 1,
                       style: str = 'pytorch',
                       inflate: Union[int, Sequence[int]] = 1,
                       inflate_style: str = '3x1x1',
                       non_local: Union[int, Sequence[int]] = 0,
                       non_local_cfg: Dict = dict(),
                       norm_cfg: Optional[Dict] = None,
                       act_cfg: Optional[Dict] = None,
                       conv_cfg: Optional[Dict] = None,
                       with_cp: bool = False,
                       rs_cfg: Optional[Dict] = None,
                       **kwargs) -> nn.Module:
        """Build one stage like ``ResNet3d.make_res_layer``, giving each
        block its ResNet-RS extras (see :func:`rs_block_kwargs`).

        ``ResNet3d.__init__`` calls this once per stage, in order, so the
        stage index is the number of stages built so far.
        """
        stage = len(self.res_layers)
        inflate = (inflate, ) * blocks if isinstance(inflate, int) \
            else tuple(inflate)
        non_local = (non_local, ) * blocks if isinstance(non_local, int) \
            else tuple(non_local)
        if len(inflate) != blocks or len(non_local) != blocks:
            raise ValueError(f'ResNet3dRS: stage {stage} has {blocks} blocks '
                             f'but inflate={inflate}, non_local={non_local}')
        extras = rs_block_kwargs(stage, blocks, rs_cfg['se_ratio'],
                                 rs_cfg['self_gating'][stage],
                                 rs_cfg['drop_path_rate'])
        outplanes = planes * block.expansion
        downsample = None
        if spatial_stride != 1 or inplanes != outplanes:
            downsample = ConvModule(
                inplanes, outplanes, kernel_size=1,
                stride=(temporal_stride, spatial_stride, spatial_stride),
                bias=False, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                act_cfg=None)
        layers = []
        for i in range(blocks):
            first = i == 0
            layers.append(
                block(
                    inplanes if first else outplanes,
                    planes,
                    spatial_stride=spatial_stride if first else 1,
                    temporal_stride=temporal_stride if first else 1,
                    dilation=dilation,
                    downsample=downsample if first else None,
                    style=style,
                    inflate=inflate[i] == 1,
                    inflate_style=inflate_style,
                    non_local=non_local[i] == 1,
                    non_local_cfg=non_local_cfg,
                    norm_cfg=norm_cfg,
                    conv_cfg=conv_cfg,
                    act_cfg=act_cfg,
                    with_cp=with_cp,
                    **extras[i],
                    **kwargs))
        return Sequential(*layers)

    def _make_stem_layer(self) -> None:
        """ResNet-D stem: three convs, then max-pool ``[kt, 3, 3]``."""
        kt, kh, kw = self.conv1_kernel
        common = dict(bias=False, conv_cfg=self.conv_cfg,
                      norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
        self.conv1 = Sequential(
            ConvModule(
                self.in_channels, self.stem_channels, (kt, kh, kw),
                stride=(self.conv1_stride_t, self.conv1_stride_s,
                        self.conv1_stride_s),
                padding=(kt // 2, kh // 2, kw // 2), **common),
            ConvModule(self.stem_channels, self.stem_channels, (1, 3, 3),
                       padding=(0, 1, 1), **common),
            ConvModule(self.stem_channels, self.base_channels, (1, 3, 3),
                       padding=(0, 1, 1), **common))
        pool_kt = 1 if self.pool1_stride_t == 1 else 3
        self.maxpool = nn.MaxPool3d(
            kernel_size=(pool_kt, 3, 3),
            stride=(self.pool1_stride_t, self.pool1_stride_s,
                    self.pool1_stride_s),
            padding=(pool_kt // 2, 1, 1))
        self.pool2 = nn.MaxPool3d(kernel_size=(2, 1, 1), stride=(2, 1, 1))

    def init_weights(self, pretrained=None) -> None:
        """ResNet3d's init (Kaiming convs, unit BN), then N(0, 0.01) for the
        self-gating convs when training from scratch."""
        super().init_weights(pretrained)
        if self.pretrained is None:
            for m in self.modules():
                if isinstance(m, SelfGating3d):
                    m.init_weights()

    def train(self, mode: bool = True) -> 'ResNet3dRS':
        """As ``ResNet3d.train`` (frozen stages, ``norm_eval``), but returns
        ``self`` like ``nn.Module.train``, so ``model.eval()`` chains."""
        super().train(mode)
        return self
