# Copyright (c) OpenMMLab. All rights reserved.
"""Keyframe feature propagation with LSTS alignment (the paper's efficiency
idea) for 2D recognizers."""
from typing import List, Optional, Tuple

import torch
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from torch import Tensor

from ..utils.flops import count_flops

PROPAGATIONS = ('lsts', 'copy')
KEY_POSITIONS = ('middle', 'first')


def keyframe_layout(num_segments: int, keyframe_interval: int,
                    key_position: str) -> Tuple[List[int], List[int]]:
    """Keyframe indices and the keyframe each frame takes its features from.

    Frames are cut into groups of ``keyframe_interval``; each group has one
    keyframe, the group's first frame (``'first'``: every frame uses the
    previous keyframe, as online) or its middle one (``'middle'``: every
    frame uses the nearest keyframe).

    Args:
        num_segments (int): Frames per clip.
        keyframe_interval (int): Frames per keyframe.
        key_position (str): ``'middle'`` or ``'first'``.

    Returns:
        tuple[list[int], list[int]]: keyframe indices, and for every frame
        the index of its keyframe.
    """
    offset = keyframe_interval // 2 if key_position == 'middle' else 0
    keys = list(range(offset, num_segments, keyframe_interval))
    source = [t // keyframe_interval * keyframe_interval + offset
              for t in range(num_segments)]
    return keys, source


@MODELS.register_module()
class LSTSPropagationRecognizer(BaseRecognizer):
    """Run the full backbone on keyframes only; propagate to the others.

    Every ``keyframe_interval``-th frame of a clip of ``num_segments`` is a
    keyframe and goes through the whole 2D backbone. The other frames only
    run the backbone's low-level part (the stem plus the first
    ``num_low_stages`` residual stages), which ``low2high`` maps into the
    high-level feature space; their high-level features come from their
    keyframe:

    * ``propagation='lsts'``: aligned by ``align`` (``LSTSAlign``), whose
      embeddings see ``low2high`` of the current frame and of the keyframe;
    * ``propagation='copy'``: the keyframe's features, unaligned (the
      control without the method's idea).

    With ``fusion`` (an ``LSTSQualityFusion``, the paper's DFA) the
    propagated features are fused with ``low2high`` of the current frame.
    ``keyframe_interval=1`` runs the full backbone on every frame (the plain
    model; ``low2high``, ``align`` and ``fusion`` are then not built).
    The per-frame features go to ``cls_head`` with ``num_segs``, like
    ``Recognizer2D``. ``predict`` stores each sample's cost
    (:meth:`sample_gflops`) as ``gflops``, as mmtin's adaptive recognizers
    do (see ``BaseAdaptiveRecognizer``).

    The backbone must have a stem and ``res_layers`` (MMAction2 ``ResNet``
    and ``ResNetTSM``, mmpretrain ``ResNet`` / ``ResNetV1c`` / ``ResNetV1d``
    given as ``dict(type='ResNet', _scope_='mmpretrain', ...)``). Temporal
    modules inside the backbone (TSM, TIN) see only the keyframes.

    Args:
        backbone (dict): 2D backbone config.
        cls_head (dict): Head config (``TSNHead``, ``TSMHead``, ...).
        low2high (dict, optional): Config of the low-to-high transform
            (e.g. ``LSTSLow2High``); needed when ``keyframe_interval > 1``.
            Default: None.
        align (dict): ``LSTSAlign`` config; ``in_channels`` is filled in
            with ``low2high``'s ``out_channels``. Default:
            dict(type='LSTSAlign', embed_channels=64, num_offsets=25).
        fusion (dict, optional): ``LSTSQualityFusion`` config
            (``in_channels``, ``num_inputs=2`` are filled in); None uses the
            propagated features as they are. Default: None.
        num_segments (int): Frames per clip. Default: 8.
        keyframe_interval (int): Frames per keyframe; must divide
            ``num_segments``. Default: 4.
        num_low_stages (int): Residual stages in the low-level part.
            Default: 0.
        propagation (str): ``'lsts'`` or ``'copy'``. Default: 'lsts'.
        key_position (str): ``'middle'`` or ``'first'`` (see
            :func:`keyframe_layout`). Default: 'middle'.
        train_cfg (dict, optional): Training config. Default: None.
        test_cfg (dict, optional): Testing config. Default: None.
        data_preprocessor (dict, optional): Data preprocessor config.
            Default: None.
    """

    def __init__(self,
                 backbone: dict,
                 cls_head: dict,
                 low2high: Optional[dict] = None,
                 align: dict = dict(
                     type='LSTSAlign', embed_channels=64, num_offsets=25),
                 fusion: Optional[dict] = None,
                 num_segments: int = 8,
                 keyframe_interval: int = 4,
                 num_low_stages: int = 0,
                 propagation: str = 'lsts',
                 key_position: str = 'middle',
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None) -> None:
        name = type(self).__name__
        for key, value in (('num_segments', num_segments),
                           ('keyframe_interval', keyframe_interval)):
            if isinstance(value, bool) or not isinstance(
                    value, int) or value < 1:
                raise ValueError(
                    f'{name}: {key} must be an int >= 1, got {value!r}')
        if num_segments % keyframe_interval != 0:
            raise ValueError(
                f'{name}: keyframe_interval={keyframe_interval} must divide '
                f'num_segments={num_segments}')
        if propagation not in PROPAGATIONS:
            raise ValueError(f'{name}: propagation={propagation!r} must be '
                             f'one of {PROPAGATIONS}')
        if key_position not in KEY_POSITIONS:
            raise ValueError(f'{name}: key_position={key_position!r} must '
                             f'be one of {KEY_POSITIONS}')
        if keyframe_interval > 1 and low2high is None and (
                propagation == 'lsts' or fusion is not None):
            raise ValueError(
                f'{name}: low2high is required with keyframe_interval='
                f'{keyframe_interval} and propagation={propagation!r}'
                f'{" and fusion" if fusion is not None else ""}')
        super().__init__(
            backbone=backbone,
            cls_head=cls_head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor)
        stages = getattr(self.backbone, 'res_layers', None)
        if not stages or not hasattr(self.backbone, 'maxpool'):
            raise TypeError(
                f'{name}: backbone {type(self.backbone).__name__} has no '
                'stem + res_layers (use an MMAction2 or mmpretrain ResNet)')
        if not 0 <= num_low_stages < len(stages):
            raise ValueError(
                f'{name}: num_low_stages={num_low_stages} must be in [0, '
                f'{len(stages) - 1}] for a backbone with {len(stages)} '
                'residual stages')
        self.num_segments = num_segments
        self.keyframe_interval = keyframe_interval
        self.num_low_stages = num_low_stages
        self.propagation = propagation
        self.key_position = key_position
        self.keys, self.sources = keyframe_layout(
            num_segments, keyframe_interval, key_position)
        self.low2high = self.align = self.fusion = None
        self._flops_cache = {}
        if keyframe_interval == 1:
            return
        if propagation == 'lsts' or fusion is not None:
            self.low2high = MODELS.build(low2high)
            channels = low2high['out_channels']
        if propagation == 'lsts':
            self.align = MODELS.build(dict(align, in_channels=channels))
        if fusion is not None:
            self.fusion = MODELS.build(
                dict(fusion, in_channels=channels, num_inputs=2))

    def low_level(self, x: Tensor) -> Tensor:
        """The backbone's stem and first ``num_low_stages`` stages."""
        bb = self.backbone
        if getattr(bb, 'deep_stem', False):
            x = bb.stem(x)
        elif hasattr(bb, 'norm1'):  # mmpretrain ResNet
            x = bb.relu(bb.norm1(bb.conv1(x)))
        else:  # MMAction2 ResNet: conv1 is a ConvModule
            x = bb.conv1(x)
        x = bb.maxpool(x)
        for layer in bb.res_layers[:self.num_low_stages]:
            x = getattr(bb, layer)(x)
        return x

    def high_level(self, x: Tensor) -> Tensor:
        """The backbone's remaining stages."""
        bb = self.backbone
        for layer in bb.res_layers[self.num_low_stages:]:
            x = getattr(bb, layer)(x)
        return x

    def propagate(self, x: Tensor) -> Tensor:
        """Per-frame high-level features ``[B * T, C, h, w]`` of ``[B * T,
        3, H, W]`` frames (``T = num_segments`` consecutive frames form a
        clip)."""
        t = self.num_segments
        if self.keyframe_interval == 1:
            return self.high_level(self.low_level(x))
        b = x.shape[0] // t
        keys = self.keys
        others = [i for i in range(t) if i not in keys]
        frames = x.view(b, t, *x.shape[1:])
        if self.low2high is None:  # copy without fusion: keyframes only
            low_key = self.low_level(frames[:, keys].flatten(0, 1))
        else:
            low = self.low_level(x)
            low = low.view(b, t, *low.shape[1:])
            low_key = low[:, keys].flatten(0, 1)
        high_key = self.high_level(low_key)
        high_key = high_key.view(b, len(keys), *high_key.shape[1:])
        # index of each other frame's keyframe among the keyframes
        src = [keys.index(self.sources[i]) for i in others]
        prop = high_key[:, src].flatten(0, 1)
        if self.low2high is not None:
            cur = self.low2high(low[:, others].flatten(0, 1))
            if cur.shape[1:] != prop.shape[1:]:
                raise ValueError(
                    f'{type(self).__name__}: low2high gives '
                    f'{tuple(cur.shape[1:])} per frame but the high-level '
                    f'features are {tuple(prop.shape[1:])}: set low2high\'s '
                    'out_channels / stride to match')
        if self.align is not None:
            ref = self.low2high(low_key).view(b, len(keys), *cur.shape[1:])
            prop = self.align(cur, ref[:, src].flatten(0, 1), prop)
        if self.fusion is not None:
            prop = self.fusion([prop, cur])
        prop = prop.view(b, len(others), *prop.shape[1:])
        order = keys + others
        inverse = [order.index(i) for i in range(t)]
        out = torch.cat((high_key, prop), dim=1)[:, inverse]
        return out.flatten(0, 1)

    def _num_views(self, inputs: Tensor) -> int:
        """Clips per sample of ``[N, V * T, 3, H, W]`` inputs (checked)."""
        frames = inputs.shape[1]
        if frames % self.num_segments != 0:
            raise ValueError(
                f'{type(self).__name__}: inputs of shape '
                f'{tuple(inputs.shape)} have {frames} frames per sample, not '
                f'a multiple of num_segments={self.num_segments}')
        return frames // self.num_segments

    def extract_feat(self,
                     inputs: Tensor,
                     stage: str = 'backbone',
                     data_samples: Optional[list] = None,
                     test_mode: bool = False) -> Tuple[Tensor, dict]:
        """Per-frame features (``stage='backbone'`` or ``'neck'``) or class
        scores (``stage='head'``) of ``[N, V * T, 3, H, W]`` inputs.

        Args:
            inputs (Tensor): Frames; every ``num_segments`` consecutive
                frames of a sample form one clip (view).
            stage (str): ``'backbone'``, ``'neck'`` or ``'head'``.
                Default: 'backbone'.
            data_samples (list, optional): Unused. Default: None.
            test_mode (bool): Unused. Default: False.

        Returns:
            tuple[Tensor, dict]: the features or scores, and ``dict(
            num_segs=...)`` for the head.
        """
        kwargs = dict(num_segs=self._num_views(inputs) * self.num_segments)
        feats = self.propagate(inputs.reshape((-1, ) + inputs.shape[2:]))
        if stage == 'head':
            return self.cls_head(feats, **kwargs), kwargs
        return feats, kwargs

    def predict(self, inputs: Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """``BaseRecognizer.predict`` plus ``gflops`` in every sample."""
        samples = super().predict(inputs, data_samples, **kwargs)
        for sample, cost in zip(samples, self.sample_gflops(inputs).tolist()):
            sample.set_field(cost, 'gflops', field_type='metainfo')
        return samples

    def sample_gflops(self, inputs: Tensor,
                      executed: Optional[Tensor] = None) -> Tensor:
        """GFLOPs of each sample: the views times the cost of one clip,
        raw frames to class scores (``count_flops``; keyframes through the
        whole backbone, the other frames through the low-level part and
        the propagation), measured once per frame size.

        Args:
            inputs (Tensor): ``[N, V * T, 3, H, W]`` (only the shape is
                read).
            executed (Tensor, optional): Must be None: every sample runs
                the same parts. Default: None.

        Returns:
            Tensor: ``(N, )`` GFLOPs (float64).
        """
        if executed is not None:
            raise ValueError(
                f'{type(self).__name__}.sample_gflops: executed must be '
                'None (the keyframe layout is the same for every sample)')
        views = self._num_views(inputs)
        key = tuple(inputs.shape[2:])
        if key not in self._flops_cache:
            clip = inputs.new_zeros((1, self.num_segments) + key)
            self._flops_cache[key] = count_flops(self, clip)
        return torch.full((inputs.shape[0], ),
                          views * self._flops_cache[key] / 1e9,
                          dtype=torch.float64)
