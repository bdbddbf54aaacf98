# Copyright (c) OpenMMLab. All rights reserved.
"""LSTS's sampling locations ``p + o_k`` of one position, on the keyframe
(the reference it samples) and on the current frame."""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from mmtin.engine.hooks.video_visualization_hook import clip_frames
from mmtin.ops.lsts_align import lsts_align
from .clip_inputs import run_pipeline
from .media import check_out, new_figure, save_figure
from .model_family import require_family


def frame_pairs(model, num_segments: int):
    """``[(current, reference)]`` frame indices of the first
    ``LSTSAlign`` call's batch entries (one clip)."""
    if hasattr(model, 'keys') and hasattr(model, 'sources'):  # propagation
        others = [i for i in range(num_segments) if i not in model.keys]
        return [(i, model.sources[i]) for i in others]
    neck = getattr(model, 'neck', None)
    if neck is not None and hasattr(neck, 'neighbours'):
        d = neck.neighbours[0]
        return [(t, min(max(t + d, 0), num_segments - 1))
                for t in range(num_segments)]
    raise ValueError('lsts: cannot tell which frames the LSTSAlign pairs '
                     f'in a {type(model).__name__}')


def sampling_locations(model, inputs, position=None, pair=None):
    """Run the model once and return where LSTS samples for one position.

    Args:
        model (nn.Module): A recognizer with an ``LSTSAlign``.
        inputs (Tensor): Preprocessed inputs, batch of one.
        position (tuple[int, int], optional): ``(x, y)`` feature cell of
            the current frame. Default: the centre of the map.
        pair (int, optional): Entry of the aligned batch. Default: the
            first (propagation) or the middle frame (neck).

    Returns:
        dict: ``position``, ``locations`` ``[N, 2]`` (``p + o_k`` in
        cells), ``weights`` ``[N]``, ``feat_hw``, ``current`` and
        ``reference`` frame indices.
    """
    import torch
    align = next(m for m in model.modules()
                 if type(m).__name__ == 'LSTSAlign')
    seen = {}

    def grab(module, args, output):
        seen.setdefault('args', args)

    handle = align.register_forward_hook(grab)
    try:
        with torch.no_grad():
            model(inputs, mode='tensor')
    finally:
        handle.remove()
    if 'args' not in seen:
        raise ValueError('lsts: the model never called its LSTSAlign (e.g. '
                         'keyframe_interval=1 or propagation="copy")')
    cur, ref = seen['args'][:2]
    ref_feat = seen['args'][2] if len(seen['args']) > 2 else ref
    num_segments = getattr(model, 'num_segments', None) or \
        model.neck.num_segments
    pairs = frame_pairs(model, num_segments)
    if pair is None:
        pair = 0 if hasattr(model, 'keys') else len(pairs) // 2
    h, w = cur.shape[-2:]
    x, y = position if position is not None else (w // 2, h // 2)
    if not (0 <= x < w and 0 <= y < h):
        raise ValueError(f'lsts: position ({x}, {y}) is outside the '
                         f'{w}x{h} feature map')
    with torch.no_grad():
        _, weights = lsts_align(ref_feat, align.embed_cur(cur),
                                align.embed_ref(ref), align.offsets,
                                return_weights=True)
    offsets = align.offsets.detach().cpu().numpy()
    return dict(position=(x, y), locations=offsets + np.array([x, y]),
                weights=weights[pair, :, y, x].cpu().numpy(),
                feat_hw=(h, w), current=pairs[pair][0],
                reference=pairs[pair][1])


def lsts_sampling(model,
                  video: str,
                  out: str,
                  labels: Optional[Sequence[str]] = None,
                  position: Optional[Tuple[int, int]] = None
                  ) -> Dict[str, str]:
    """Draw ``p + o_k`` on the keyframe and ``p`` on the current frame.

    Args:
        model (nn.Module): A recognizer with an ``LSTSAlign``
            (``LSTSPropagationRecognizer`` or a ``Recognizer2D`` with an
            ``LSTSAlignNeck``).
        video (str): Video file.
        out (str): ``*.png``.
        labels (Sequence[str], optional): Unused (same call as the other
            pictures). Default: None.
        position (tuple[int, int], optional): ``(x, y)`` feature cell.
            Default: the centre.

    Returns:
        dict[str, str]: ``locations`` path.
    """
    require_family(model, 'lsts', 'LSTSAlign')
    out = check_out(out, ('.png', ), 'lsts')
    from matplotlib.patches import Rectangle
    data = run_pipeline(model, video=video)
    found = sampling_locations(model, data['inputs'], position)
    frames = clip_frames(data['raw'])
    img_h, img_w = frames.shape[1:3]
    fh, fw = found['feat_hw']
    sx, sy = img_w / fw, img_h / fh

    def to_px(cells):
        cells = np.asarray(cells, dtype=float)
        return (cells[..., 0] + 0.5) * sx - 0.5, (cells[..., 1] + 0.5) * \
            sy - 0.5

    fig = new_figure(760, 420)
    px, py = to_px(found['position'])
    lx, ly = to_px(found['locations'])
    wts = found['weights']
    ax = fig.add_axes([0.02, 0.08, 0.44, 0.78])
    ax.imshow(frames[found['reference']])
    ax.scatter(lx, ly, s=20 + 300 * wts / max(wts.max(), 1e-6), c=wts,
               cmap='autumn', edgecolors='black', linewidths=0.5)
    ax.plot(px, py, marker='+', color='cyan', markersize=12, mew=2)
    # offsets may reach outside the map (zero padding there): show them
    ax.set_xlim(min(-0.5, lx.min() - sx / 2), max(img_w - 0.5,
                                                  lx.max() + sx / 2))
    ax.set_ylim(max(img_h - 0.5, ly.max() + sy / 2), min(-0.5,
                                                         ly.min() - sy / 2))
    ax.set_title(f'keyframe {found["reference"]}: p + o_k '
                 '(size, colour: weight)', fontsize=9)
    ax.set_axis_off()
    ax = fig.add_axes([0.52, 0.08, 0.44, 0.78])
    ax.imshow(frames[found['current']])
    ax.plot(px, py, marker='+', color='cyan', markersize=12, mew=2)
    ax.add_patch(Rectangle(
        (px - sx / 2, py - sy / 2), sx, sy, fill=False, edgecolor='cyan'))
    ax.set_title(f'current frame {found["current"]}: p = cell '
                 f'{found["position"]}', fontsize=9)
    ax.set_axis_off()
    fig.suptitle(f'LSTS sampling locations ({len(wts)} offsets, '
                 f'{fw}x{fh} feature map, {sx:.0f} px per cell)',
                 fontsize=10)
    return dict(locations=save_figure(fig, out))
