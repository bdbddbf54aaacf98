# Copyright (c) OpenMMLab. All rights reserved.
"""LSTS video object detection: keyframes run the whole backbone and update
a feature memory (SRFU); the other frames run the low-level part only and
take the memory aligned to them (DFA) (Jiang et al., ECCV 2020)."""
from typing import Dict, Optional, Sequence

import torch
from mmaction.registry import MODELS
from mmengine.structures import BaseDataElement
from torch import Tensor

from ..utils.resnet_stages import (check_resnet_split, resnet_high_level,
                                   resnet_low_level)
from ..utils.validators import check_int
from .two_stage_frame_detector import TwoStageFrameDetector

ALIGNMENTS = ('lsts', 'copy')


@MODELS.register_module()
class LSTSVideoDetector(TwoStageFrameDetector):
    """Two-stage detector with LSTS keyframe propagation.

    Frame ``t`` of a clip is a keyframe when ``t % keyframe_interval ==
    0`` (the online schedule: every frame uses the latest keyframe).

    * Keyframe: the whole backbone gives ``F_t``. SRFU (sparsely recursive
      feature updating) aligns the memory ``M`` to it and fuses the two by
      quality weights, ``M <- srfu_fusion([F_t, align_srfu(F_t, M)])``
      (at the first keyframe ``M = F_t``); the keyframe is detected on
      ``M``.
    * Non-key frame: only the low-level part (stem + ``num_low_stages``
      stages) runs; ``low2high`` maps it to ``L_t`` in the high-level
      space. DFA (dense feature aggregation) aligns the memory to it and
      fuses, ``dfa_fusion([align_dfa(L_t, M), L_t])``.

    ``alignment='lsts'`` aligns with ``LSTSAlign`` (learnable sampling
    locations, ``srfu_align`` / ``dfa_align``); ``'copy'`` uses the memory
    as it is (the control without alignment). ``srfu_fusion=None`` makes
    the memory the latest keyframe's features; ``dfa_fusion=None`` gives
    non-key frames the aligned memory alone. ``keyframe_interval=1`` is
    the per-frame detector (the control with the backbone on every frame;
    no memory, nothing else built).

    Args:
        backbone (dict): ResNet config (MMAction2 or mmpretrain) whose last
            stage is the detection feature (``out_indices`` = last stage).
        rpn_head (dict): ``AnchorRPNHead`` config.
        roi_head (dict): ``RoIBoxHead`` config.
        neck (dict, optional): Module on every frame's (propagated)
            features before the heads. Default: None.
        keyframe_interval (int): Frames per keyframe. Default: 10.
        num_low_stages (int): Residual stages of the low-level part.
            Default: 1.
        low2high (dict, optional): ``LSTSLow2High`` config (``out_channels``
            = the high-level channels, also those of the alignment and
            fusion modules); needed when ``keyframe_interval > 1``, but
            only built when used (``alignment='lsts'`` or ``dfa_fusion``).
            Default: None.
        alignment (str): ``'lsts'`` or ``'copy'``. Default: 'lsts'.
        srfu_align (dict): ``LSTSAlign`` config of SRFU (``in_channels``
            filled in). Default: dict(type='LSTSAlign', embed_channels=64,
            num_offsets=81).
        dfa_align (dict): ``LSTSAlign`` config of DFA. Default: as
            ``srfu_align``.
        srfu_fusion (dict, optional): ``LSTSQualityFusion`` config of SRFU
            (``in_channels``, ``num_inputs=2`` filled in). Default:
            dict(type='LSTSQualityFusion').
        dfa_fusion (dict, optional): The same for DFA. Default:
            dict(type='LSTSQualityFusion').
        keyframe_loss_weight (float, optional): None: every frame of a
            training clip weighs the same (keyframes are 1 in
            ``keyframe_interval`` of them). A float ``w`` in (0, 1): the
            losses of the keyframes and of the non-key frames are computed
            apart and summed as ``w * L_key + (1 - w) * L_nonkey``, so the
            shared heads keep working on the keyframes' own features
            however few they are. Default: None.
        dfa_memory_dropout (float): In training, the share of non-key
            frames (drawn per frame) whose DFA output is the frame's own
            ``low2high`` features, the aligned memory left out; in eval no
            frame. Not in the paper: with the memory always at hand the
            fusion can lean on it and leave ``low2high`` undertrained
            (docs/lsts_vid.md). Needs ``dfa_fusion``. Default: 0.
        data_preprocessor (dict, optional): See ``TwoStageFrameDetector``.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 backbone: dict,
                 rpn_head: dict,
                 roi_head: dict,
                 neck: Optional[dict] = None,
                 keyframe_interval: int = 10,
                 num_low_stages: int = 1,
                 low2high: Optional[dict] = None,
                 alignment: str = 'lsts',
                 srfu_align: dict = dict(
                     type='LSTSAlign', embed_channels=64, num_offsets=81),
                 dfa_align: dict = dict(
                     type='LSTSAlign', embed_channels=64, num_offsets=81),
                 srfu_fusion: Optional[dict] = dict(type='LSTSQualityFusion'),
                 dfa_fusion: Optional[dict] = dict(type='LSTSQualityFusion'),
                 keyframe_loss_weight: Optional[float] = None,
                 dfa_memory_dropout: float = 0.,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        name = type(self).__name__
        check_int(keyframe_interval, 'keyframe_interval', name)
        if alignment not in ALIGNMENTS:
            raise ValueError(f'{name}: alignment={alignment!r} must be one '
                             f'of {ALIGNMENTS}')
        if keyframe_loss_weight is not None and not (
                isinstance(keyframe_loss_weight, (int, float))
                and 0 < keyframe_loss_weight < 1):
            raise ValueError(f'{name}: keyframe_loss_weight must be None or '
                             f'a number in (0, 1), got '
                             f'{keyframe_loss_weight!r}')
        if isinstance(dfa_memory_dropout, bool) or not isinstance(
                dfa_memory_dropout, (int, float)) or not (
                    0 <= dfa_memory_dropout < 1):
            raise ValueError(f'{name}: dfa_memory_dropout must be a number '
                             f'in [0, 1), got {dfa_memory_dropout!r}')
        if dfa_memory_dropout and dfa_fusion is None:
            raise ValueError(f'{name}: dfa_memory_dropout needs dfa_fusion '
                             '(without it a non-key frame has only the '
                             'memory)')
        needs_low2high = alignment == 'lsts' or dfa_fusion is not None
        if keyframe_interval > 1 and low2high is None:
            raise ValueError(
                f'{name}: low2high is required with keyframe_interval='
                f'{keyframe_interval} (its out_channels give the high-level '
                'channels)')
        super().__init__(backbone, rpn_head, roi_head, neck=neck,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.keyframe_interval = keyframe_interval
        self.keyframe_loss_weight = keyframe_loss_weight
        self.dfa_memory_dropout = float(dfa_memory_dropout)
        self.num_low_stages = num_low_stages
        self.alignment = alignment
        self.low2high = self.srfu_align = self.dfa_align = None
        self.srfu_fusion = self.dfa_fusion = None
        if keyframe_interval == 1:
            return
        check_resnet_split(self.backbone, num_low_stages, name)
        channels = low2high.get('out_channels')
        if channels is None:
            raise ValueError(f'{name}: low2high needs out_channels (the '
                             'channels of the high-level features)')
        if needs_low2high:
            self.low2high = MODELS.build(low2high)
        if alignment == 'lsts':
            self.srfu_align = MODELS.build(
                dict(srfu_align, in_channels=channels))
            self.dfa_align = MODELS.build(
                dict(dfa_align, in_channels=channels))
        if srfu_fusion is not None:
            self.srfu_fusion = MODELS.build(
                dict(srfu_fusion, in_channels=channels, num_inputs=2))
        if dfa_fusion is not None:
            self.dfa_fusion = MODELS.build(
                dict(dfa_fusion, in_channels=channels, num_inputs=2))

    def srfu(self, feat: Tensor, memory: Tensor) -> Tensor:
        """Update the memory with a keyframe's features ``feat``."""
        if self.srfu_fusion is None:
            return feat
        aligned = memory if self.srfu_align is None else self.srfu_align(
            feat, memory)
        return self.srfu_fusion([feat, aligned])

    def dfa_aligned(self, cur: Optional[Tensor], memory: Tensor) -> Tensor:
        """The memory aligned to a non-key frame whose ``low2high`` output
        is ``cur`` (the memory as it is for ``alignment='copy'``)."""
        return memory if self.dfa_align is None else self.dfa_align(
            cur, memory, memory)

    def dfa(self, cur: Optional[Tensor], memory: Tensor) -> Tensor:
        """Features of a non-key frame from its ``low2high`` output
        ``cur`` and the memory."""
        aligned = self.dfa_aligned(cur, memory)
        if self.dfa_fusion is None:
            return aligned
        fused = self.dfa_fusion([aligned, cur])
        if self.training and self.dfa_memory_dropout > 0:
            drop = torch.rand(len(cur), 1, 1, 1, device=cur.device)
            fused = torch.where(drop < self.dfa_memory_dropout, cur, fused)
        return fused

    def loss(self, inputs: Tensor,
             data_samples: Sequence[BaseDataElement]) -> Dict[str, Tensor]:
        """RPN and RoI-head losses; with ``keyframe_loss_weight``, those of
        the keyframes and of the non-key frames weighted apart."""
        w = self.keyframe_loss_weight
        clips = self._clips(inputs)
        n, t = clips.shape[:2]
        if w is None or self.keyframe_interval == 1 or t == 1:
            return super().loss(inputs, data_samples)
        bboxes, labels = self._ground_truth(clips, data_samples)
        shapes = self._img_shapes(clips, data_samples)
        feats = self.head_features(clips)
        losses: Dict[str, Tensor] = {}
        for weight, key in ((w, True), (1 - w, False)):
            idx = [i * t + j for i in range(n) for j in range(t)
                   if (j % self.keyframe_interval == 0) == key]
            part_losses = self.head_losses(
                feats[idx], [bboxes[i] for i in idx],
                [labels[i] for i in idx], [shapes[i] for i in idx])
            for name, value in part_losses.items():
                losses[name] = losses.get(name, 0) + weight * value
        return losses

    def clip_features(self, clips: Tensor) -> Tensor:
        """``[N, T, 3, H, W]`` -> ``[N * T, C, h, w]``, frame by frame in
        time with the keyframe memory (see the class docstring)."""
        k = self.keyframe_interval
        if k == 1:
            return super().clip_features(clips)
        n, t = clips.shape[:2]
        keys = list(range(0, t, k))
        if self.low2high is None:  # copy without DFA: keyframes only
            low_key = resnet_low_level(self.backbone,
                                       clips[:, keys].flatten(0, 1),
                                       self.num_low_stages)
        else:
            low = resnet_low_level(self.backbone, clips.flatten(0, 1),
                                   self.num_low_stages)
            low = low.view(n, t, *low.shape[1:])
            low_key = low[:, keys].flatten(0, 1)
        high_key = resnet_high_level(self.backbone, low_key,
                                     self.num_low_stages)
        high_key = high_key.view(n, len(keys), *high_key.shape[1:])
        # SRFU, keyframe after keyframe: the memory after each keyframe
        memories, memory = [], None
        for j in range(len(keys)):
            memory = high_key[:, j] if memory is None else self.srfu(
                high_key[:, j], memory)
            memories.append(memory)
        memories = torch.stack(memories, dim=1)  # [N, K, C, h, w]
        others = [i for i in range(t) if i % k]
        if not others:
            return memories.flatten(0, 1)
        # DFA of all non-key frames at once, each with its keyframe's memory
        mem = memories[:, [i // k for i in others]].flatten(0, 1)
        cur = None
        if self.low2high is not None:
            cur = self.low2high(low[:, others].flatten(0, 1))
            if cur.shape != mem.shape:
                raise ValueError(
                    f'{type(self).__name__}: low2high gives '
                    f'{tuple(cur.shape[1:])} per frame but the high-level '
                    f'features are {tuple(mem.shape[1:])}: set low2high\'s '
                    'stride to match')
        out = self.dfa(cur, mem).view(n, len(others), *mem.shape[1:])
        inverse = [keys.index(i) if i % k == 0 else len(keys) +
                   others.index(i) for i in range(t)]
        feats = torch.cat((memories, out), dim=1)[:, inverse]
        return feats.flatten(0, 1)
