# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML: adaptive multi-modal recognition with real skipping.

Panda et al., "AdaMML: Adaptive Multi-Modal Learning for Efficient Video
Recognition", ICCV 2021 (https://arxiv.org/abs/2105.05165).
"""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn

from mmtin.ops import hard_gumbel_softmax, pooled_differences
from ..utils.flops import module_flops
from .base_adaptive_recognizer import BaseAdaptiveRecognizer

MODALITIES = ('rgb', 'audio', 'motion')


class ModalitySubNetwork(nn.Module):
    """Backbone + per-segment head of one modality.

    Args:
        backbone (dict): Backbone config.
        cls_head (dict): Head config (e.g. ``TSNHead``), called with
            ``num_segs=1`` so that it returns one score per segment.
        repeat_channels (int, optional): Repeat the input channels (a
            1-channel spectrogram into a 3-channel backbone).
            Default: None.
    """

    def __init__(self, backbone: dict, cls_head: dict,
                 repeat_channels: Optional[int] = None) -> None:
        super().__init__()
        self.backbone = MODELS.build(backbone)
        self.cls_head = MODELS.build(cls_head)
        self.repeat_channels = repeat_channels

    def forward(self, x: Tensor) -> Tensor:
        """``(n, C, H, W)`` segments -> ``(n, num_classes)`` logits."""
        if self.repeat_channels:
            x = x.repeat(1, self.repeat_channels, 1, 1)
        feat = self.backbone(x)
        if isinstance(feat, (tuple, list)):
            feat = feat[-1]
        return self.cls_head(feat, num_segs=1)


@MODELS.register_module()
class AdaMMLRecognizer(BaseAdaptiveRecognizer):
    """AdaMML recognizer: per-segment choice of RGB, audio and motion.

    For every segment s the policy decides ``u[s, m]`` in {0, 1} per
    modality m; segment logits of the kept modalities are fused with
    :class:`LearnableLateFusion` (``sum_m a_m * u[s, m] * z[s, m]``) and
    averaged over segments. Training samples hard Gumbel-Softmax decisions
    (straight-through) and runs every sub-network, masking the outputs;
    evaluation takes the argmax decisions and, with ``real_skip``, runs a
    sub-network only on the segments that keep it (gather, run, scatter),
    so skipped compute is really saved. ``policy=None`` keeps every
    modality in every segment (warm-up and the all-modalities baseline).
    ``predict`` stores ``gflops`` (:meth:`sample_gflops` of the decisions)
    and ``usage`` (fraction of segments per modality) in every sample.

    The policy's own state decides how it acts: in train mode it samples
    (Gumbel), in eval mode it decides by argmax; the efficiency loss is
    added while it has trainable parameters. The fine-tuning stage freezes
    it with ``FreezeSubmodulesHook(modules=['policy'])`` (no gradients,
    kept in eval mode): argmax decisions, no efficiency loss, so the main
    network trains on the policy's test-time decisions.

    Inputs (after the data preprocessor), per modality: ``rgb`` ``(N, S,
    3, H, W)``; ``motion`` ``(N, S, K, 3, H, W)``, turned into RGB
    differences with TDN's ``pooled_differences`` (``(K - 1) * 3``
    channels at half resolution); ``audio`` ``(N, S, 1, F, T)``.

    Args:
        modalities (Sequence[str]): Subset of ``('rgb', 'audio',
            'motion')``; the order of decisions and cost weights.
        subnets (dict[str, dict]): Per modality, kwargs of
            :class:`ModalitySubNetwork` (``backbone``, ``cls_head``,
            ``repeat_channels``).
        policy (dict, optional): ``AdaMMLPolicy`` config (its
            ``modalities`` are filled in). Default: None.
        fusion (dict): Fusion config. Default:
            dict(type='LearnableLateFusion').
        cost_weights (Sequence[float], optional): ``w_m`` of the
            efficiency loss (an ``AdaMMLEfficiencyLoss``). Default: the
            published ones for the chosen modalities ([0.5, 0.05, 0.8]
            for rgb, audio, motion).
        gamma (float): Weight of the efficiency loss's wrong-prediction
            term. Default: 10.
        modality_loss_weight (float): Weight of an extra cross-entropy per
            modality (on its own segment-averaged logits); the warm-up
            stage uses it. Default: 0.
        keep_all (bool): Keep every modality in every segment even though
            a policy is configured (the policy makes no decisions; the
            warm-up stage, which pre-trains the policy's backbones with
            ``policy_pretrain_loss_weight``). Default: False.
        policy_pretrain_loss_weight (float): Weight of a cross-entropy
            per modality on the policy's linear probes (``AdaMMLPolicy(
            num_classes=...)``), segment-averaged: trains the policy's
            cheap backbones on the task, standing in for the ImageNet
            pre-training of the paper's policy. Default: 0.
        real_skip (bool): Skip computation at evaluation. Default: True.
        data_preprocessor (dict, optional): Default: a
            ``MultiModalDataPreprocessor`` (ImageNet mean/std for rgb and
            motion, none for audio).
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 modalities: Sequence[str],
                 subnets: Dict[str, dict],
                 policy: Optional[dict] = None,
                 fusion: dict = dict(type='LearnableLateFusion'),
                 cost_weights: Optional[Sequence[float]] = None,
                 gamma: float = 10.0,
                 modality_loss_weight: float = 0.0,
                 keep_all: bool = False,
                 policy_pretrain_loss_weight: float = 0.0,
                 real_skip: bool = True,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None) -> None:
        modalities = tuple(modalities)
        bad = [m for m in modalities if m not in MODALITIES]
        if not modalities or bad or len(set(modalities)) != len(modalities):
            raise ValueError(
                f'AdaMMLRecognizer: modalities={list(modalities)} is invalid '
                f'(unknown: {bad}); expected distinct entries of '
                f'{list(MODALITIES)}')
        if set(subnets) != set(modalities):
            raise ValueError(
                f'AdaMMLRecognizer: subnets has keys {sorted(subnets)}, but '
                f'modalities={list(modalities)}; give one per modality')
        published = dict(rgb=0.5, audio=0.05, motion=0.8)
        cost_weights = list(cost_weights if cost_weights is not None else
                            [published[m] for m in modalities])
        if len(cost_weights) != len(modalities):
            raise ValueError(
                f'AdaMMLRecognizer: cost_weights has {len(cost_weights)} '
                f'entries for {len(modalities)} modalities')
        if data_preprocessor is None:
            norm = dict(type='ActionDataPreprocessor',
                        mean=[123.675, 116.28, 103.53],
                        std=[58.395, 57.12, 57.375], format_shape='NCHW')
            data_preprocessor = dict(
                type='MultiModalDataPreprocessor',
                preprocessors=dict(
                    rgb=norm, motion=norm,
                    audio=dict(type='ActionDataPreprocessor',
                               format_shape='NCHW')))
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.modalities = modalities
        self.subnets = nn.ModuleDict(
            {m: ModalitySubNetwork(**subnets[m])
             for m in modalities})
        self.policy = None
        if policy is not None:
            policy = dict(policy)
            policy.setdefault('modalities', modalities)
            if tuple(policy['modalities']) != modalities:
                raise ValueError(
                    f'AdaMMLRecognizer: policy.modalities='
                    f'{list(policy["modalities"])} differs from '
                    f'modalities={list(modalities)}')
            self.policy = MODELS.build(policy)
        fusion = dict(fusion)
        fusion.setdefault('num_modalities', len(modalities))
        self.fusion = MODELS.build(fusion)
        self.efficiency_loss = MODELS.build(
            dict(type='AdaMMLEfficiencyLoss', cost_weights=cost_weights,
                 gamma=gamma))
        self.modality_loss_weight = modality_loss_weight
        self.keep_all = keep_all
        self.policy_pretrain_loss_weight = policy_pretrain_loss_weight
        if policy_pretrain_loss_weight and (
                self.policy is None
                or getattr(self.policy, 'probes', None) is None):
            raise ValueError(
                'AdaMMLRecognizer: policy_pretrain_loss_weight needs a '
                'policy with linear probes (AdaMMLPolicy(num_classes=...))')
        self.real_skip = real_skip
        self._flops_cache: Dict = {}

    @property
    def cost_weights(self) -> List[float]:
        """``w_m`` of :attr:`efficiency_loss`."""
        return self.efficiency_loss.cost_weights

    @property
    def gamma(self) -> float:
        """The wrong-prediction weight of :attr:`efficiency_loss`."""
        return self.efficiency_loss.gamma

    @property
    def policy_decides(self) -> bool:
        """A policy is configured and makes the keep/skip decisions."""
        return self.policy is not None and not self.keep_all

    @property
    def policy_samples(self) -> bool:
        """Gumbel-sampled decisions: the policy is in train mode (else
        argmax, as at test time)."""
        return self.policy_decides and self.training and \
            self.policy.training

    @property
    def policy_learns(self) -> bool:
        """The efficiency loss is added: the policy has trainable
        parameters (``FreezeSubmodulesHook`` turns them off)."""
        return self.policy_decides and any(
            p.requires_grad for p in self.policy.parameters())

    # ---------------------------------------------------------------- inputs
    def segment_inputs(self, inputs: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """``(N * S, C, H, W)`` per modality (motion as RGB differences)."""
        out = {}
        for m in self.modalities:
            if m not in inputs:
                raise KeyError(
                    f'AdaMMLRecognizer: inputs have no "{m}" (got '
                    f'{sorted(inputs)}); collect it with '
                    'PackActionInputs(collect_keys=...)')
            x = inputs[m]
            if m == 'motion':
                if x.dim() != 6:
                    raise ValueError(
                        'AdaMMLRecognizer: motion input must be (N, S, K, 3,'
                        f' H, W), got {tuple(x.shape)}')
                x = x.flatten(0, 1).flatten(1, 2)
                x = pooled_differences(x, num_channels=3)
            else:
                if x.dim() != 5:
                    raise ValueError(
                        f'AdaMMLRecognizer: {m} input must be (N, S, C, H, '
                        f'W), got {tuple(x.shape)}')
                x = x.flatten(0, 1)
            out[m] = x
        return out

    # -------------------------------------------------------------- decisions
    def decide(self, x: Dict[str, Tensor], num: int, seg: int) -> Tensor:
        """``(N, S, M)`` keep decisions (straight-through while learning)."""
        first = x[self.modalities[0]]
        if not self.policy_decides:
            return first.new_ones(num, seg, len(self.modalities))
        logits = self.policy(x, seg)
        if self.policy_samples:
            return hard_gumbel_softmax(logits, self.policy.tau)[..., 1]
        return (logits[..., 1] > logits[..., 0]).to(first.dtype)

    def _run(self, m: str, x: Tensor, keep: Tensor) -> Tensor:
        """Segment logits of modality m; zeros where ``keep`` is 0."""
        subnet = self.subnets[m]
        if self.training or not self.real_skip:
            return subnet(x) * keep[:, None]
        idx = keep.nonzero().flatten()
        num_classes = subnet.cls_head.num_classes
        out = x.new_zeros(x.shape[0], num_classes)
        if idx.numel():
            out = out.index_copy(0, idx, subnet(x.index_select(0, idx)))
        return out

    def run_segments(self, inputs: Dict[str, Tensor]):
        """Segment the inputs, decide, run the kept sub-networks, fuse.

        Returns:
            tuple: video logits ``(N, K)``, decisions ``(N, S, M)``, the
            per-modality segment logits ``(N, S, K)`` and the segmented
            inputs (:meth:`segment_inputs`).
        """
        x = self.segment_inputs(inputs)
        num, seg = inputs[self.modalities[0]].shape[:2]
        u = self.decide(x, num, seg)
        seg_logits = [
            self._run(m, x[m], u[..., i].flatten()).view(num, seg, -1)
            for i, m in enumerate(self.modalities)
        ]
        fused = self.fusion(torch.stack(seg_logits, 2))  # (N, S, K)
        return fused.mean(1), u, seg_logits, x

    # ------------------------------------------------------------ mmengine
    def _forward(self, inputs: Dict[str, Tensor], **kwargs) -> dict:
        """``mode='tensor'``: dict(logits, decisions)."""
        logits, u, _, _ = self.run_segments(inputs)
        return dict(logits=logits, decisions=u)

    def loss(self, inputs: Dict[str, Tensor], data_samples: List,
             **kwargs) -> dict:
        """Cross-entropy (+ per-modality CE) (+ efficiency loss)."""
        logits, u, seg_logits, x = self.run_segments(inputs)
        labels = torch.cat([d.gt_label.view(-1) for d in data_samples])
        losses = dict(loss_cls=F.cross_entropy(logits, labels))
        if self.modality_loss_weight:
            for m, z in zip(self.modalities, seg_logits):
                losses[f'loss_{m}'] = self.modality_loss_weight * \
                    F.cross_entropy(z.mean(1), labels)
        if self.policy_pretrain_loss_weight:
            num = labels.shape[0]
            for m, z in self.policy.probe_logits(x).items():
                losses[f'loss_policy_{m}'] = \
                    self.policy_pretrain_loss_weight * F.cross_entropy(
                        z.view(num, -1, z.shape[-1]).mean(1), labels)
        if self.policy_learns:
            losses.update(self.efficiency_loss(u, logits, labels))
        for i, m in enumerate(self.modalities):
            losses[f'usage_{m}'] = u[..., i].detach().mean()
        return losses

    def predict(self, inputs: Dict[str, Tensor], data_samples: List,
                **kwargs) -> List:
        """Scores plus ``usage`` (fraction of segments per modality) and
        ``gflops`` (:meth:`sample_gflops` of the decisions taken)."""
        logits, u, _, _ = self.run_segments(inputs)
        gflops = self.sample_gflops(inputs, u)
        scores = logits.softmax(1)
        usage = u.mean(1)
        for i, sample in enumerate(data_samples):
            sample.set_pred_score(scores[i])
            sample.set_field(
                {m: float(usage[i, j])
                 for j, m in enumerate(self.modalities)},
                'usage', field_type='metainfo')
            sample.set_field(float(gflops[i]), 'gflops',
                             field_type='metainfo')
        return data_samples

    # ------------------------------------------------------------- cost
    def sample_gflops(self, inputs: Dict[str, Tensor],
                      executed: Optional[Tensor] = None) -> Tensor:
        """GFLOPs of each video: the policy's (when it decides) plus each
        modality's per-segment cost times the segments that ran it.

        Args:
            inputs (dict[str, Tensor]): The preprocessed inputs (only the
                shapes are read).
            executed (Tensor, optional): ``(N, S, M)`` keep decisions.
                Default: None (every modality in every segment).

        Returns:
            Tensor: ``(N, )`` GFLOPs.
        """
        flops = self.segment_flops(inputs)
        if executed is None:
            first = inputs[self.modalities[0]]
            executed = first.new_ones(first.shape[0], first.shape[1],
                                      len(self.modalities))
        per_mod = executed.new_tensor([flops[m] for m in self.modalities])
        return (flops['policy'] + (executed.sum(1) * per_mod).sum(1)) / 1e9

    def segment_flops(self, inputs: Dict[str, Tensor]) -> dict:
        """FLOPs of one segment per sub-network and of the policy per
        video, from ``mmengine.analysis`` (measured once per input shape
        on one video of zeros).

        Args:
            inputs (dict[str, Tensor]): The preprocessed inputs (only the
                shapes are read).

        Returns:
            dict: one entry per modality and ``policy`` (0 while the policy
            decides nothing).
        """
        for m in self.modalities:
            if m not in inputs:
                self.segment_inputs(inputs)  # raises the error naming it
        key = (self.policy_decides, ) + tuple(
            (m, tuple(inputs[m].shape[1:])) for m in self.modalities)
        if key not in self._flops_cache:
            one = {
                m: inputs[m].new_zeros((1, ) + inputs[m].shape[1:])
                for m in self.modalities
            }
            x = self.segment_inputs(one)
            seg = inputs[self.modalities[0]].shape[1]
            flops = {
                m: module_flops(self.subnets[m], (x[m][:1], ))
                for m in self.modalities
            }
            flops['policy'] = 0
            if self.policy_decides:
                flops['policy'] = module_flops(
                    _PolicyCall(self.policy, self.modalities, seg),
                    tuple(x[m] for m in self.modalities))
            self._flops_cache[key] = flops
        return self._flops_cache[key]

class _PolicyCall(nn.Module):
    """``policy(dict(zip(modalities, tensors)), seg)`` for the analyzer."""

    def __init__(self, policy: nn.Module, modalities, seg: int) -> None:
        super().__init__()
        self.policy = policy
        self.modalities = modalities
        self.seg = seg

    def forward(self, *tensors):
        return self.policy(dict(zip(self.modalities, tensors)), self.seg)
