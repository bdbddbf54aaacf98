# Copyright (c) OpenMMLab. All rights reserved.
"""TDN (Temporal Difference Networks) ResNet backbone.

Paper: Wang et al., "TDN: Temporal Difference Networks for Efficient Action
Recognition", CVPR 2021 (https://arxiv.org/abs/2012.10071). Numerically
equal, in eval mode, to the official model (MCG-NJU/TDN ``ops/tdn_net.py``)
loaded through ``tools/convert_checkpoint.py official-tdn``.

Conv biases: the official ResNet convs have ``bias=True``. Here they are
MMAction2 ``ConvModule``\\ s without bias; the converter folds each bias into
the BN that follows (``running_mean -= bias``), which is exact in eval mode
and in training mode (batch statistics cancel a constant bias).

Depths 18 and 34 (``BasicBlock``) are an mmtin extension, not part of the
published model: see :class:`TDNBasicBlock` for where the temporal modules
go.
"""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
from mmaction.models.backbones.resnet import BasicBlock, Bottleneck
from mmaction.registry import MODELS
from mmaction.utils import ConfigType
from mmcv.cnn import ConvModule
from mmengine.logging import MMLogger
from mmengine.model import BaseModule
from mmengine.model.weight_init import (constant_init, initialize,
                                        kaiming_init)
from mmengine.utils.dl_utils.parrots_wrapper import _BatchNorm
from torch import Tensor

from mmtin.ckpt_convert.torchvision_resnet import \
    load_torchvision_resnet

from ..layers.separable_max_pool import SeparableMaxPool2d
from ..layers.short_term_tdm import ShortTermTDM
from ..layers.temporal_depthwise_conv import TemporalDepthwiseConv
from ..layers.tdn_basic_block import CheckpointBasicBlock, TDNBasicBlock
from ..layers.tdn_bottleneck import TDNBottleneck
from ..layers.tdn_res_layer import make_tdn_res_layer
from ..utils.validators import check_num_segments


@MODELS.register_module()
class TDNResNet(BaseModule):
    """TDN ResNet backbone (50/101 as published; 18/34 an mmtin extension).

    Input ``(N*T*5, 3, H, W)``, i.e. ``Recognizer2D`` + ``FormatShape('NCHW')``
    on ``SampleFrames(clip_len=5, num_clips=T)``: the 5 consecutive frames
    of a segment are adjacent, segments inner, clips outer. It is viewed as
    ``(N*T, 15, H, W)``. Output ``(N*T, feat_dim, H/32, W/32)`` (``feat_dim``
    2048 for depth 50/101, 512 for 18/34), for
    ``TSMHead(num_segments=T, is_shift=False)``.

    * RGB stream: the centre frame of each segment through a ResNet (stem,
      ``layer1``..``layer4``); every block of ``layer2``..``layer4`` has an
      L-TDM (``ltdm``) and a temporal conv (``tconv``) after its ``conv1``
      (:class:`TDNBottleneck`; :class:`TDNBasicBlock` for depth 18/34).
    * S-TDM: pooled RGB differences of the 5 frames through ``diff_conv1``
      (7x7, 12->64, stride 2, BN, ReLU), the max pool and ``diff_layer1`` (a
      plain ``layer1`` copy; 64 channels out for depth 18/34), fused
      (``alpha * x + beta * nearest_up(d)``) after the RGB max pool and
      after ``layer1``.

    Inference: :func:`mmtin.models.utils.switch_to_deploy` (``tools/test.py
    --deploy``, ``model.deploy=True``) folds the L-TDM BNs and swaps in the
    fused S-TDM kernels and the separable stem pool; same result in eval.

    Small maps: the L-TDM pools 2x2; on a map smaller than 2x2 (layer4 with
    input < 64 px, e.g. the 32 px demo) its pool window shrinks to the map
    (see :class:`LongTermTDM`), where the official code raises an error.

    Args:
        depth (int): 18, 34 (BasicBlock, mmtin extension), 50 or 101.
        num_segments (int): Segments per clip T (8 or 16 as published).
            Default: 8.
        clip_len (int): Frames per segment; must be 5. Default: 5.
        pretrained (str, optional): A torchvision ResNet checkpoint (path,
            URL or ``torchvision://resnet50``, ``torchvision://resnet18``; its
            depth must match ``depth``) loaded the way the official
            code does: RGB stream and ``diff_layer1`` from it,
            ``diff_conv1`` from its ``conv1`` averaged over RGB and expanded
            to 12 channels. None: random init. Default: None.
        ltdm_cfg (dict): Extra arguments of :class:`LongTermTDM`
            (``reduction``, ``legacy_backward_s4``; ``conv_cfg`` and
            ``norm_cfg`` default to the backbone's). Default: ``dict()``.
        tconv_cfg (dict): Extra arguments of :class:`TemporalDepthwiseConv`
            (``shift_div``). Default: ``dict()``.
        stdm_cfg (dict): Extra arguments of :class:`ShortTermTDM`
            (``fusion_weights``). Default: ``dict()``.
        conv_cfg (dict): Conv layer config. Default: ``dict(type='Conv')``.
        norm_cfg (dict): Norm layer config.
            Default: ``dict(type='BN2d', requires_grad=True)``.
        act_cfg (dict): Activation config.
            Default: ``dict(type='ReLU', inplace=True)``.
        norm_eval (bool): Keep BN layers in eval mode while training.
            Default: False.
        frozen_stages (int): Stages to freeze (-1: none; 0: both stems; i:
            also ``layer1``..``layer{i}``, ``diff_layer1`` with ``layer1``).
            Default: -1.
        with_cp (bool): Gradient checkpointing of the blocks. Default: False.
        init_cfg (dict, optional): Only ``dict(type='Pretrained',
            checkpoint=..., prefix=...)`` (an mmtin/MMAction2 checkpoint
            loaded after the official initialisation); the rest of the
            initialisation is fixed, as in the official code. Default: None.
    """

    arch_settings = {
        18: (BasicBlock, (2, 2, 2, 2)),
        34: (BasicBlock, (3, 4, 6, 3)),
        50: (Bottleneck, (3, 4, 6, 3)),
        101: (Bottleneck, (3, 4, 23, 3))
    }
    clip_channels = 3

    def __init__(self,
                 depth: int,
                 num_segments: int = 8,
                 clip_len: int = 5,
                 pretrained: Optional[str] = None,
                 ltdm_cfg: Dict = dict(),
                 tconv_cfg: Dict = dict(),
                 stdm_cfg: Dict = dict(),
                 conv_cfg: ConfigType = dict(type='Conv'),
                 norm_cfg: ConfigType = dict(type='BN2d', requires_grad=True),
                 act_cfg: ConfigType = dict(type='ReLU', inplace=True),
                 norm_eval: bool = False,
                 frozen_stages: int = -1,
                 with_cp: bool = False,
                 init_cfg: Optional[Dict] = None) -> None:
        if init_cfg is not None and (not isinstance(init_cfg, dict) or
                                     init_cfg.get('type') != 'Pretrained'):
            raise ValueError(
                "TDNResNet: init_cfg must be None or dict(type='Pretrained', "
                f'checkpoint=...), got {init_cfg}')
        super().__init__(init_cfg=init_cfg)
        if depth not in self.arch_settings:
            raise ValueError(f'TDNResNet: depth must be one of '
                             f'{sorted(self.arch_settings)}, got {depth}')
        check_num_segments(num_segments, 'TDNResNet', minimum=2,
                           hint=' (8 or 16 as published)')
        if clip_len != 5:
            raise ValueError(
                'TDNResNet: clip_len (frames per segment) must be 5, got '
                f'{clip_len}; sample with SampleFrames(clip_len=5, ...)')
        if pretrained is not None and not isinstance(pretrained, str):
            raise TypeError('TDNResNet: pretrained must be a str or None, '
                            f'got {type(pretrained).__name__}')
        if not -1 <= frozen_stages <= 4:
            raise ValueError('TDNResNet: frozen_stages must be in [-1, 4], '
                             f'got {frozen_stages}')
        self.depth = depth
        self.num_segments = num_segments
        self.clip_len = clip_len
        self.pretrained = pretrained
        self.norm_eval = norm_eval
        self.frozen_stages = frozen_stages
        block, self.stage_blocks = self.arch_settings[depth]
        # plain and temporal blocks; both support with_cp
        plain, temporal = {
            BasicBlock: (CheckpointBasicBlock, TDNBasicBlock),
            Bottleneck: (Bottleneck, TDNBottleneck)
        }[block]
        cfgs = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)

        # RGB stem (centre frame)
        self.conv1 = ConvModule(
            self.clip_channels, 64, 7, stride=2, padding=3, bias=False,
            **cfgs)
        # max pool of both stems (SeparableMaxPool2d once deployed)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.deploy = False
        # S-TDM: difference stem and its own layer1
        self.stdm = ShortTermTDM(num_segments, **stdm_cfg)
        self.diff_conv1 = ConvModule(
            self.clip_channels * (clip_len - 1), 64, 7, stride=2, padding=3,
            bias=False, **cfgs)
        self.diff_layer1 = make_tdn_res_layer(
            plain, 64, 64, self.stage_blocks[0], 1, with_cp=with_cp,
            **cfgs)
        # RGB ResNet stages; layer2..4 carry the L-TDM and temporal conv
        self.layer1 = make_tdn_res_layer(
            plain, 64, 64, self.stage_blocks[0], 1, with_cp=with_cp,
            **cfgs)
        tdn_kwargs = dict(num_segments=num_segments, ltdm_cfg=ltdm_cfg,
                          tconv_cfg=tconv_cfg, with_cp=with_cp)
        inplanes = 64 * block.expansion
        for i in range(1, 4):
            planes = 64 * 2**i
            layer = make_tdn_res_layer(temporal, inplanes, planes,
                                       self.stage_blocks[i], 2, **cfgs,
                                       **tdn_kwargs)
            self.add_module(f'layer{i + 1}', layer)
            inplanes = planes * block.expansion
        self.feat_dim = inplanes

    # ------------------------------------------------------------------ init
    def init_weights(self) -> None:
        """Official initialisation.

        Every ``Conv2d`` (L-TDM included) gets ``normal(0, sqrt(2 / (k*k*
        out_channels)))``, BN weight 1 / bias 0, temporal convs the shift
        init. Then, with ``pretrained``, the torchvision weights are loaded
        (see the class docstring); without, ``diff_conv1`` is the RGB mean of
        an independent random stem conv, expanded to 12 channels.
        """
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                kaiming_init(m, mode='fan_out', nonlinearity='relu',
                             distribution='normal')
            elif isinstance(m, _BatchNorm):
                constant_init(m, 1, bias=0)
            elif isinstance(m, TemporalDepthwiseConv):
                m.init_weights()
        if self.pretrained:
            self._load_torchvision(self.pretrained)
        else:
            stem = torch.empty_like(self.conv1.conv.weight)
            nn.init.kaiming_normal_(stem, mode='fan_out',
                                    nonlinearity='relu')
            self._inflate_diff_stem(stem)
        if self.init_cfg is not None:
            initialize(self, self.init_cfg)

    def _inflate_diff_stem(self, rgb_weight: Tensor) -> None:
        """``diff_conv1`` weight = RGB mean of ``rgb_weight`` (not divided by
        the number of differences), repeated over the 12 input channels."""
        weight = self.diff_conv1.conv.weight
        with torch.no_grad():
            weight.copy_(rgb_weight.mean(dim=1, keepdim=True).expand_as(
                weight))

    def _torchvision_names(self) -> List[tuple]:
        """``(ConvModule, source prefix)`` for every ConvModule loaded from
        a torchvision ResNet; the prefix is in MMAction2's naming (see
        :func:`~mmtin.ckpt_convert.torchvision_resnet.
        torchvision_to_mmaction_key`); ``diff_layer1`` reads ``layer1``."""
        pairs = [(self.conv1, 'conv1')]
        for prefix in ['diff_layer1', 'layer1', 'layer2', 'layer3', 'layer4']:
            src = 'layer1' if prefix == 'diff_layer1' else prefix
            for name, m in getattr(self, prefix).named_modules():
                if isinstance(m, ConvModule):
                    pairs.append((m, f'{src}.{name}'))
        return pairs

    def _load_torchvision(self, filename: str) -> None:
        """Load torchvision ResNet weights (see :meth:`init_weights`)
        through :func:`~mmtin.ckpt_convert.load_torchvision_resnet`,
        the loader TINResNet uses too."""
        logger = MMLogger.get_current_instance()
        state, unused = load_torchvision_resnet(filename)
        used, problems = set(), []

        def copy(dst: Tensor, key: str) -> None:
            if key not in state:
                problems.append(f'{key} missing')
            elif state[key].shape != dst.shape:
                problems.append(f'{key} has shape {tuple(state[key].shape)}, '
                                f'expected {tuple(dst.shape)}')
            else:
                with torch.no_grad():
                    dst.copy_(state[key])
                used.add(key)

        for module, src in self._torchvision_names():
            copy(module.conv.weight, f'{src}.conv.weight')
            for name, t in list(module.bn.named_parameters()) + list(
                    module.bn.named_buffers()):
                key = f'{src}.bn.{name}'
                if name == 'num_batches_tracked' and key not in state:
                    continue
                copy(t, key)
        if problems:
            raise ValueError(
                f'TDNResNet(depth={self.depth}): {filename} is not a '
                f'torchvision ResNet-{self.depth} state dict: '
                f'{"; ".join(problems[:5])}'
                f'{" ..." if len(problems) > 5 else ""}')
        self._inflate_diff_stem(state['conv1.conv.weight'])
        unused = sorted(set(state) - used) + sorted(unused)
        logger.info(f'TDNResNet: loaded {filename}; diff_conv1 inflated from '
                    f'conv1; not used: {unused}')

    # --------------------------------------------------------------- forward
    def forward(self, x: Tensor) -> Tensor:
        """``(N*T*5, 3, H, W) -> (N*T, feat_dim, H/32, W/32)``."""
        group = self.num_segments * self.clip_len
        if x.dim() != 4 or x.shape[1] != self.clip_channels \
                or x.shape[0] % group != 0:
            raise ValueError(
                f'TDNResNet: expected input (N*num_segments*clip_len, 3, H, '
                f'W) with num_segments={self.num_segments} and clip_len='
                f'{self.clip_len} (first dim divisible by {group}), got shape '
                f'{tuple(x.shape)}')
        frames = x.reshape((-1, self.clip_len * self.clip_channels) +
                           x.shape[2:])
        # S-TDM difference branch
        diff = self.maxpool(self.diff_conv1(self.stdm.differences(frames)))
        diff_deep = self.diff_layer1(diff)
        # RGB branch on the centre frame
        c0 = (self.clip_len // 2) * self.clip_channels
        x = self.maxpool(self.conv1(frames[:, c0:c0 + self.clip_channels]))
        x = self.stdm(x, diff)
        x = self.stdm(self.layer1(x), diff_deep)
        x = self.layer2(x)
        x = self.layer3(x)
        return self.layer4(x)

    # ---------------------------------------------------------------- deploy
    def switch_to_deploy(self) -> None:
        """Inference form of the backbone's own parts: the stem max pool
        becomes :class:`SeparableMaxPool2d` (no argmax on CPU, same
        output). The L-TDMs and the S-TDM convert themselves; use
        :func:`mmtin.models.utils.switch_to_deploy` on the whole model."""
        if self.deploy:
            return
        pool = self.maxpool
        self.maxpool = SeparableMaxPool2d(
            kernel_size=pool.kernel_size, stride=pool.stride,
            padding=pool.padding)
        self.deploy = True

    # ----------------------------------------------------------------- train
    def _frozen_modules(self) -> Sequence[nn.Module]:
        if self.frozen_stages < 0:
            return []
        mods = [self.conv1, self.diff_conv1]
        if self.frozen_stages >= 1:
            mods.append(self.diff_layer1)
        mods += [getattr(self, f'layer{i}')
                 for i in range(1, self.frozen_stages + 1)]
        return mods

    def train(self, mode: bool = True) -> 'TDNResNet':
        """Set the mode; frozen stages and (``norm_eval``) BN stay in eval."""
        super().train(mode)
        for m in self._frozen_modules():
            m.eval()
            for p in m.parameters():
                p.requires_grad = False
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
