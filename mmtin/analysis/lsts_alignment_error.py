# Copyright (c) OpenMMLab. All rights reserved.
"""How well LSTS's learned sampling follows the true motion.

For a non-key frame, DFA samples the keyframe memory at ``p + o_k`` with
weights ``w_k(p)``; its *expected displacement* at ``p`` is ``sum_k w_k(p)
o_k`` (feature cells). At the centre of every object of the frame, the
true displacement is where the same object (track id) is in the keyframe:
``(c_key - c_t) / stride``. The alignment error is the distance between
the two, in cells; a model that ignores motion (``copy``) has the error of
the zero displacement, :func:`zero_displacement_error`.

Two more readings per object say why an error is large: ``true_rank``,
where the offset nearest to the true motion ranks among the ``N``
similarity logits at the object's cell (0 = the largest: the embeddings
match the object to itself), and ``memory_weight``, the share DFA's
quality fusion gives the aligned memory (against the frame's own
``low2high`` features) there.
"""
from typing import Dict, List, Sequence

import numpy as np
import torch
from torch import Tensor

from mmtin.models.utils import resnet_low_level
from mmtin.ops import lsts_align, lsts_sample, lsts_similarity


def expected_displacement(weights: Tensor, offsets: Tensor) -> Tensor:
    """``sum_k w_k(p) o_k``: ``[B, N, H, W]`` weights and ``[N, 2]``
    offsets -> ``[B, 2, H, W]`` displacements ``(dx, dy)`` in cells."""
    return torch.einsum('bnhw,nd->bdhw', weights, offsets.to(weights))


def _centres(boxes: np.ndarray) -> np.ndarray:
    return (boxes[:, :2] + boxes[:, 2:]) / 2


@torch.no_grad()
def dfa_alignment_errors(detector, clip: Tensor,
                         boxes: Sequence[np.ndarray],
                         track_ids: Sequence[np.ndarray],
                         stride: int) -> List[Dict[str, float]]:
    """Alignment error of every object in every non-key frame of a clip.

    Args:
        detector: An ``LSTSVideoDetector`` with ``alignment='lsts'`` and
            ``keyframe_interval > 1`` (eval mode).
        clip (Tensor): ``[1, T, 3, H, W]`` preprocessed frames.
        boxes (Sequence[np.ndarray]): Per frame ``[K, 4]`` boxes (pixels).
        track_ids (Sequence[np.ndarray]): Per frame ``[K]`` track ids.
        stride (int): Image pixels per feature cell.

    Returns:
        list[dict]: Per (frame, object) ``frame``, ``track``, ``error``
        (cells, learned), ``zero_error`` (cells, no displacement), the
        true ``motion`` (cells), ``true_rank`` (int) and ``memory_weight``
        (in [0, 1]; 1.0 without a DFA fusion).
    """
    k = detector.keyframe_interval
    if detector.dfa_align is None or k == 1:
        raise ValueError('dfa_alignment_errors needs an LSTSVideoDetector '
                         "with alignment='lsts' and keyframe_interval > 1")
    if clip.dim() != 5 or clip.shape[0] != 1:
        raise ValueError('dfa_alignment_errors: clip must be [1, T, 3, H, '
                         f'W], got {tuple(clip.shape)}')
    t = clip.shape[1]
    if len(boxes) != t or len(track_ids) != t:
        raise ValueError(f'dfa_alignment_errors: {len(boxes)} box sets and '
                         f'{len(track_ids)} track-id sets for {t} frames')
    feats = detector.clip_features(clip)  # [T, C, h, w]
    rows = []
    for frame in range(t):
        key = frame - frame % k
        if frame == key:
            continue
        memory = feats[key:key + 1]
        low = resnet_low_level(detector.backbone, clip[:, frame],
                               detector.num_low_stages)
        cur = detector.low2high(low)
        align = detector.dfa_align
        cur_embed, ref_embed = align.embed_cur(cur), align.embed_ref(memory)
        aligned, weights = lsts_align(memory, cur_embed, ref_embed,
                                      align.offsets, return_weights=True)
        # ranks from the logits: peaked softmax weights underflow to ties
        logits = lsts_similarity(lsts_sample(ref_embed, align.offsets),
                                 cur_embed)
        disp = expected_displacement(weights, align.offsets)[0]
        mem_w = torch.ones_like(disp[0]) if detector.dfa_fusion is None \
            else detector.dfa_fusion.quality_weights([aligned, cur])[0, 0, 0]
        h, w = disp.shape[1:]
        key_centres = dict(zip(track_ids[key].tolist(),
                               _centres(boxes[key])))
        for tid, c in zip(track_ids[frame].tolist(),
                          _centres(boxes[frame])):
            if tid not in key_centres:
                continue
            # the cell whose centre is nearest to the object's centre
            col = int(np.clip(np.floor(c[0] / stride), 0, w - 1))
            row = int(np.clip(np.floor(c[1] / stride), 0, h - 1))
            motion = (key_centres[tid] - c) / stride
            pred = disp[:, row, col].cpu().numpy()
            logit = logits[0, :, row, col]
            nearest = int(((align.offsets.to(logit) - torch.as_tensor(
                motion, dtype=logit.dtype))**2).sum(1).argmin())
            rows.append(dict(
                frame=frame, track=tid,
                error=float(np.linalg.norm(pred - motion)),
                zero_error=float(np.linalg.norm(motion)),
                motion=float(np.linalg.norm(motion)),
                true_rank=int((logit > logit[nearest]).sum()),
                memory_weight=float(mem_w[row, col])))
    return rows


def zero_displacement_error(rows: Sequence[dict]) -> float:
    """Mean error of predicting no motion (the ``copy`` control)."""
    return float(np.mean([r['zero_error'] for r in rows])) if rows else 0.
