# Copyright (c) OpenMMLab. All rights reserved.
"""Early exit of recurrent classifiers that predict after every frame."""
from typing import Tuple

import torch
from torch import Tensor


def first_confident_step(logits: Tensor, threshold: float) -> Tensor:
    """The first step whose max softmax reaches ``threshold`` (else the
    last), per clip.

    Args:
        logits (Tensor): ``[B, T, num_classes]`` per-step logits.
        threshold (float): Confidence needed to exit.

    Returns:
        Tensor: ``(B, )`` step indices (long).
    """
    b = logits.shape[0]
    conf = logits.softmax(-1).amax(-1)  # [B, T]
    hit = torch.cat([conf[:, :-1] >= threshold,
                     conf.new_ones(b, 1, dtype=torch.bool)], 1)
    return hit.float().argmax(1)  # first True


def _keep(state, index):
    """Rows ``index`` of a GRU state ``[layers, B, C]`` (or None)."""
    return None if state is None else state.index_select(1, index)


def adafocus_early_exit(model, clips: Tensor,
                        threshold: float) -> Tuple[Tensor, Tensor]:
    """Run an ``AdaFocusRecognizer`` frame by frame with early exit.

    At step ``t`` only the clips still running are computed: glance at
    frame ``t``, one policy step, the patch through the focuser, one
    classifier step. A clip whose max softmax reaches ``threshold`` (or
    at the last frame) stops; the running batch and the recurrent states
    of policy and classifier are compacted (``index_select``) so later
    steps compute nothing for it. The result equals running every frame
    and taking the exit step's logits (policy and classifier are causal)
    when glancer and focuser treat frames independently (2D backbones).

    Args:
        model (AdaFocusRecognizer): The model (2D backbones).
        clips (Tensor): ``[B, T, C, H, W]`` frames.
        threshold (float): ``test_cfg.exit_threshold``.

    Returns:
        tuple[Tensor, Tensor]: ``[B, num_classes]`` logits of each clip's
        exit step and ``(B, )`` exit steps (frames run = step + 1).
    """
    b, t = clips.shape[:2]
    running = torch.arange(b, device=clips.device)
    steps = torch.full((b, ), t - 1, dtype=torch.long, device=clips.device)
    scores = None
    policy_state = head_state = None
    for step in range(t):
        frames = clips[running, step]  # [n, C, H, W]
        gmap, gvec = model.glance(frames, steps=1)
        positions, policy_state = model.select_step(gmap, hidden=policy_state)
        fvec = model.focus(frames, positions)
        logits, head_state = model.cls_head.step(
            torch.cat([gvec, fvec], dim=-1), head_state)
        logits = logits[:, 0]
        if scores is None:
            scores = logits.new_zeros(b, logits.shape[-1])
        if step == t - 1:
            done = torch.ones_like(running, dtype=torch.bool)
        else:
            done = logits.softmax(-1).amax(-1) >= threshold
        scores[running[done]] = logits[done]
        steps[running[done]] = step
        keep = (~done).nonzero().flatten()
        if keep.numel() == 0:
            break
        running = running[keep]
        policy_state = _keep(policy_state, keep)
        head_state = _keep(head_state, keep)
    return scores, steps
