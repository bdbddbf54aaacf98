# Copyright (c) OpenMMLab. All rights reserved.
"""AdaFocus: glance at every downsampled frame, then focus on one patch.

Written from the descriptions in AdaFocus (Wang et al., ICCV 2021) and
AdaFocusV2 (CVPR 2022). Per frame ``t`` of a clip:

1. the *glancer* (a cheap 2D backbone) sees the whole frame downsampled to
   ``glance_size`` and gives a feature map ``g_t``;
2. the *policy* (recurrent over frames) picks a patch centre from ``g_t``;
3. the *focuser* (a 2D backbone, TSM/TIN included) sees the ``P x P``
   patch cropped from the full-resolution frame (:func:`patch_crop`);
4. the *recurrent classifier* reads ``[pool(g_t) || pool(f_t)]`` and gives
   logits after every frame; ``predict`` returns the last step's (or,
   with ``test_cfg.exit_threshold``, the first confident step's) scores.

Early exit is real with 2D backbones: ``predict`` then runs frame by frame
and stops computing for a clip at its exit step (the running batch is
compacted, :func:`adafocus_early_exit`). Backbones that mix frames
(TSM/TIN, which have ``num_segments``) need the whole clip, so they run
every frame and are charged for every frame.

Training stages differ only in what is frozen (``FreezeSubmodulesHook``,
the one freezing convention): ``train_step`` runs the V1 PPO update while
the policy has trainable parameters, and the classification update while
any of glancer, focuser and classifier (or, in V2, the policy) has.
"""
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from mmengine.optim import OptimWrapper, OptimWrapperDict
from torch.distributions import Categorical

from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmtin.ops import patch_crop
from ..utils.adafocus_config import check_adafocus_cfg
from ..utils.early_exit import adafocus_early_exit, first_confident_step
from ..utils.flops import adafocus_flops
from .base_adaptive_recognizer import BaseAdaptiveRecognizer

def _feature_map(out):
    """Last output of a backbone (tuple outputs: the last stage)."""
    if isinstance(out, (tuple, list)):
        out = out[-1]
    return out


@MODELS.register_module()
class AdaFocusRecognizer(BaseAdaptiveRecognizer):
    """Spatially adaptive video recognizer (AdaFocus V1 / V2).

    A :class:`BaseAdaptiveRecognizer` (two backbones, so not MMAction2's
    ``BaseRecognizer``): ``predict`` stores ``gflops`` from
    :meth:`sample_gflops` and ``usage=dict(frames=...)`` in every sample.

    Args:
        glancer (dict): 2D backbone over the downsampled frames, e.g.
            MMAction2's ``MobileNetV2`` (or ``MobileNetV2TSM``).
        focuser (dict): 2D backbone over the patches, e.g. ``ResNet``,
            ``ResNetTSM`` or mmtin's ``ResNetTIN``.
        cls_head (dict): The recurrent classifier, e.g.
            ``RecurrentClsHead`` with ``in_channels`` = glance + focus
            channels.
        policy (dict, optional): ``AdaFocusPolicy``; needed by
            ``patch_mode`` ``'v2'`` (``action_type='continuous'``) and
            ``'v1'`` (``'discrete'``). Default: None.
        num_segments (int): Frames per clip ``T``. Default: 8.
        patch_size (int): Patch side ``P`` in pixels. Default: 96.
        glance_size (int): Side of the downsampled glance frame.
            Default: 96.
        glance_mode (str): ``F.interpolate`` mode of the downsample
            (``'area'``, ``'bilinear'`` ...). Default: ``'bilinear'``.
        frame_size (int, optional): Side of the input frames, checked
            against ``patch_size`` and ``glance_size`` at build time (the
            frames are always checked at run time). Default: None.
        patch_mode (str): ``'v2'`` (differentiable crop at the regressed
            centre), ``'v1'`` (PPO actor over a grid of corners),
            ``'random'`` (uniformly random patches: the control, also the
            warm-up stage) or ``'center'``. Default: ``'v2'``.
        patch_padding (str): Border handling of :func:`patch_crop`.
            Default: ``'clamp'``.
        random_patch_prob (float): V2 diversity augmentation: in training,
            each clip takes random patches with this probability.
            Default: 0.
        detach_policy_input (bool): Stop the policy's gradient at the
            glance features (V2). Default: True.
        train_cfg (dict, optional): Unused; kept for MMAction2 configs.
        test_cfg (dict, optional): ``exit_threshold`` (float): early exit
            when the running prediction's max softmax reaches it.
            Default: None.
        data_preprocessor (dict, optional): MMAction2 data preprocessor.
            Default: None.
        init_cfg (dict, optional): Initialisation config of the whole
            model (sub-modules keep their own ``init_cfg``). Default: None.
    """

    def __init__(self,
                 glancer: Dict,
                 focuser: Dict,
                 cls_head: Dict,
                 policy: Optional[Dict] = None,
                 num_segments: int = 8,
                 patch_size: int = 96,
                 glance_size: int = 96,
                 glance_mode: str = 'bilinear',
                 frame_size: Optional[int] = None,
                 patch_mode: str = 'v2',
                 patch_padding: str = 'clamp',
                 random_patch_prob: float = 0.,
                 detach_policy_input: bool = True,
                 train_cfg: Optional[Dict] = None,
                 test_cfg: Optional[Dict] = None,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        check_adafocus_cfg(glancer, focuser, policy, num_segments, patch_size,
                        glance_size, frame_size, patch_mode)
        if data_preprocessor is None:
            data_preprocessor = dict(type='ActionDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.glancer = MODELS.build(glancer)
        self.focuser = MODELS.build(focuser)
        self.policy = MODELS.build(policy) if policy is not None else None
        self.cls_head = MODELS.build(cls_head)
        self.num_segments = num_segments
        self.patch_size = patch_size
        self.glance_size = glance_size
        self.glance_mode = glance_mode
        self.patch_mode = patch_mode
        self.patch_padding = patch_padding
        self.random_patch_prob = random_patch_prob
        self.detach_policy_input = detach_policy_input
        self.train_cfg = train_cfg
        self.test_cfg = dict(test_cfg or {})
        unknown = set(self.test_cfg) - {'exit_threshold'}
        if unknown:
            raise ValueError(f'test_cfg has unknown keys {sorted(unknown)}')
        self._flops_cache = {}

    # ------------------------------------------------------------ forward
    def _frames(self, inputs: torch.Tensor) -> torch.Tensor:
        """``[N, V * T, C, H, W]`` -> ``[N * V * T, C, H, W]``, checked."""
        if inputs.dim() != 5 or inputs.shape[1] % self.num_segments:
            raise ValueError(
                'AdaFocusRecognizer expects [N, views * num_segments, C, H, '
                f'W] inputs (num_segments={self.num_segments}, '
                f'format_shape NCHW), got {tuple(inputs.shape)}')
        h, w = inputs.shape[-2:]
        if self.patch_size > min(h, w):
            raise ValueError(f'patch_size={self.patch_size} is larger than '
                             f'the frames ({h}x{w})')
        return inputs.flatten(0, 1)

    @property
    def mixes_frames(self) -> bool:
        """Whether glancer or focuser mixes the frames of a clip (TSM/TIN
        backbones carry ``num_segments``): then no frame-by-frame run."""
        return any(
            hasattr(m, 'num_segments') for m in (self.glancer, self.focuser))

    def glance(self, frames: torch.Tensor, steps: Optional[int] = None):
        """Glance maps ``[B, T, C, h, w]`` and vectors ``[B, T, C]``.

        ``frames`` are ``[B * T, C, H, W]``; ``steps`` is ``T`` (default
        ``num_segments``; 1 frame by frame).
        """
        small = F.interpolate(
            frames, size=(self.glance_size, self.glance_size),
            mode=self.glance_mode)
        gmap = _feature_map(self.glancer(small))
        gmap = gmap.view((-1, steps or self.num_segments) + gmap.shape[1:])
        return gmap, gmap.mean((3, 4))

    def focus(self, frames: torch.Tensor, positions: torch.Tensor):
        """Focus vectors ``[B, T, C]`` of patches at ``positions``.

        ``positions`` ``[B, T, 2]`` are ``(x, y)`` in ``[0, 1]``: the patch
        corner is ``u * (size - P)``, i.e. the centre ``P / 2 + u *
        (size - P)``.
        """
        h, w = frames.shape[-2:]
        p = self.patch_size
        scale = positions.new_tensor([w - p, h - p])
        centers = p / 2 + positions.flatten(0, 1) * scale
        patches = patch_crop(frames, centers, p, padding=self.patch_padding)
        fmap = _feature_map(self.focuser(patches))
        steps = positions.shape[1]
        return fmap.mean((2, 3)).view(-1, steps, fmap.shape[1])

    @staticmethod
    def _random_positions(b, t, ref):
        return torch.rand(b, t, 2, device=ref.device, dtype=ref.dtype)

    def select(self, gmap: torch.Tensor, mode: Optional[str] = None):
        """Patch positions ``[B, T, 2]`` in ``[0, 1]`` for ``mode``."""
        return self.select_step(gmap, mode)[0]

    def select_step(self, gmap: torch.Tensor, mode: Optional[str] = None,
                    hidden: Optional[torch.Tensor] = None):
        """Positions of the frames in ``gmap`` ``[B, T, C, h, w]`` and the
        policy's recurrent state after them (None without one), starting
        from ``hidden`` (the state after the frames before)."""
        mode = mode or self.patch_mode
        b, t = gmap.shape[:2]
        if mode == 'random':
            return self._random_positions(b, t, gmap), None
        if mode == 'center':
            return gmap.new_full((b, t, 2), 0.5), None
        state = gmap.detach() if self.detach_policy_input else gmap
        if mode == 'v1':
            with torch.no_grad():
                out = self.policy(state, hidden)
            logits = out['logits']
            actions = (Categorical(logits=logits).sample()
                       if self.training else logits.argmax(-1))
            return self.policy.action_positions(actions), out['hidden']
        out = self.policy(state, hidden)
        pos = out['centers']
        if self.training and self.random_patch_prob > 0:
            swap = torch.rand(b, 1, 1, device=pos.device)
            swap = swap < self.random_patch_prob
            pos = torch.where(swap, self._random_positions(b, t, pos), pos)
        return pos, out['hidden']

    def classify(self, gvec, frames, positions):
        fvec = self.focus(frames, positions)
        return self.cls_head(torch.cat([gvec, fvec], dim=-1))

    def extract_feat(self, inputs: torch.Tensor, stage: str = 'head',
                     **kwargs):
        """Per-step logits ``[N * V, T, num_classes]`` (and no kwargs)."""
        frames = self._frames(inputs)
        gmap, gvec = self.glance(frames)
        positions = self.select(gmap)
        return self.classify(gvec, frames, positions), dict()

    def _forward(self, inputs: torch.Tensor, stage: str = 'head', **kwargs):
        """Per-step logits (``mode='tensor'``)."""
        return self.extract_feat(inputs, stage=stage)[0]

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict:
        """Classification loss averaged over the steps."""
        logits, _ = self.extract_feat(inputs)
        return self.cls_head.loss_by_feat(logits, data_samples)

    def predict(self, inputs: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Scores of the final step, or of the early-exit step.

        Without ``test_cfg.exit_threshold`` every frame runs, each part
        batched over all frames of all clips. With it and 2D backbones the
        clips run frame by frame and a clip stops at its first step whose
        max softmax reaches the threshold (:func:`adafocus_early_exit`:
        later steps compute only the clips still running). Backbones that
        mix frames (:attr:`mixes_frames`) run the whole clip; the score
        is still the exit step's, the cost every frame's.

        Every output sample carries ``usage=dict(frames=n)`` (the frames
        whose glance, patch and classifier step were computed, summed over
        test views) and ``gflops`` (:meth:`sample_gflops` of those frames).
        """
        threshold = self.test_cfg.get('exit_threshold')
        t = self.num_segments
        if threshold is not None and not self.mixes_frames:
            frames = self._frames(inputs)
            clips = frames.view((-1, t) + frames.shape[1:])
            scores, steps = adafocus_early_exit(self, clips, threshold)
            ran = steps + 1
        else:
            logits, _ = self.extract_feat(inputs)
            b = logits.shape[0]
            steps = torch.full((b, ), t - 1, dtype=torch.long,
                               device=logits.device)
            if threshold is not None:
                steps = first_confident_step(logits, threshold)
            scores = logits[torch.arange(b), steps]
            ran = torch.full_like(steps, t)
        scores = scores.detach()
        views = scores.shape[0] // len(data_samples)
        used = ran.view(len(data_samples), views).sum(1)
        gflops = self.sample_gflops(inputs, used)
        samples = self.cls_head.predict_by_feat(scores, data_samples)
        for sample, n, cost in zip(samples, used.tolist(), gflops.tolist()):
            sample.set_field(dict(frames=float(n)), 'usage',
                             field_type='metainfo')
            sample.set_field(cost, 'gflops', field_type='metainfo')
        return samples

    def sample_gflops(self, inputs: torch.Tensor,
                      executed: Optional[torch.Tensor] = None
                      ) -> torch.Tensor:
        """GFLOPs of each sample: frames run times the per-frame cost of
        glancer, policy, crop, focuser and classifier step
        (:meth:`flops_per_frame`).

        Args:
            inputs (Tensor): ``[N, V * T, C, H, W]`` (only the shape is
                read).
            executed (Tensor, optional): ``(N, )`` frames run per sample,
                all views together (fewer with early exit). Default: None
                (every frame of every view).

        Returns:
            Tensor: ``(N, )`` GFLOPs (float64).
        """
        if executed is None:
            executed = torch.full((inputs.shape[0], ), inputs.shape[1])
        per_frame = self.flops_per_frame(inputs.shape[-2:])['total']
        return executed.detach().cpu().double() * per_frame / 1e9

    def flops_per_frame(self, frame_hw) -> Dict[str, float]:
        """Per-frame FLOPs of each component (cached per frame size)."""
        key = tuple(int(s) for s in frame_hw)
        if key not in self._flops_cache:
            self._flops_cache[key] = adafocus_flops(self, key)
        return self._flops_cache[key]

    # ------------------------------------------------------------ training
    @property
    def policy_learns(self) -> bool:
        """V1 and the policy has trainable parameters: PPO updates it."""
        return self.patch_mode == 'v1' and any(
            p.requires_grad for p in self.policy.parameters())

    @property
    def classifier_learns(self) -> bool:
        """The classification loss has trainable parameters to update
        (glancer, focuser, classifier; in V2 also the policy)."""
        parts = [self.glancer, self.focuser, self.cls_head]
        if self.patch_mode == 'v2':
            parts.append(self.policy)
        return any(p.requires_grad for m in parts for p in m.parameters())

    def train_step(self, data, optim_wrapper: OptimWrapper) -> Dict:
        """One iteration with one optim wrapper.

        Without PPO (V2, random or centre patches, or a frozen V1 policy)
        this is ``BaseModel.train_step``. While :attr:`policy_learns`, a
        PPO update of the policy (:meth:`ppo_step`) comes first, then the
        classification update if :attr:`classifier_learns` (stage 2 of
        V1 freezes glancer, focuser and classifier with
        ``FreezeSubmodulesHook``: PPO only).
        """
        if isinstance(optim_wrapper, OptimWrapperDict):
            raise TypeError(
                'AdaFocusRecognizer takes one optim_wrapper; choose what '
                'trains with FreezeSubmodulesHook (PPO runs while the V1 '
                'policy has trainable parameters)')
        if not self.policy_learns:
            return super().train_step(data, optim_wrapper)
        data = self.data_preprocessor(data, True)
        log_vars = self.ppo_step(data, optim_wrapper)
        if self.classifier_learns:
            with optim_wrapper.optim_context(self):
                losses = self(**data, mode='loss')
            loss, main_vars = self.parse_losses(losses)
            optim_wrapper.update_params(loss)
            log_vars.update(main_vars)
        return log_vars

    def ppo_step(self, data, wrapper: OptimWrapper) -> Dict:
        """Collect one episode per clip with the current actor, reward each
        step by (true-class confidence with the chosen patches) - (with
        random patches), and take ``ppo_cfg.epochs`` PPO updates.

        PPO's reward must be a fixed function of state and action, so the
        environment (glancer, focuser, classifier) is evaluated in eval
        mode during the rollout (no dropout, no BatchNorm statistics
        updates) and put back afterwards; this is part of the algorithm,
        not freezing (which is ``FreezeSubmodulesHook``'s).
        """
        frames = self._frames(data['inputs'])
        labels = torch.stack([s.gt_label for s in data['data_samples']])
        labels = labels.view(-1).to(frames.device)
        env = [m for m in (self.glancer, self.focuser, self.cls_head)
               if m.training]
        for module in env:
            module.eval()
        with torch.no_grad():
            gmap, gvec = self.glance(frames)
            views = gmap.shape[0] // labels.numel()
            labels = labels.repeat_interleave(views)
            rollout = self.policy(gmap)
            dist = Categorical(logits=rollout['logits'])
            actions = dist.sample()
            old_log_probs = dist.log_prob(actions)

            def confidence(pos):
                prob = self.classify(gvec, frames, pos).softmax(-1)
                idx = labels.view(-1, 1, 1).expand(-1, prob.shape[1], 1)
                return prob.gather(-1, idx).squeeze(-1)

            rewards = confidence(self.policy.action_positions(actions)) - \
                confidence(self._random_positions(*gmap.shape[:2], gmap))
        for module in env:
            module.train()
        log_vars = {}
        for _ in range(self.policy.ppo_cfg['epochs']):
            with wrapper.optim_context(self):
                out = self.policy(gmap)
                losses = self.policy.ppo_loss(out['logits'], out['values'],
                                              actions, old_log_probs,
                                              rewards)
            loss, log_vars = self.parse_losses(losses)
            wrapper.update_params(loss)
        log_vars['loss_ppo'] = log_vars.pop('loss')
        log_vars['reward'] = rewards.mean().item()
        return log_vars
