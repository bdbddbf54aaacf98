# Copyright (c) OpenMMLab. All rights reserved.
"""AdaFocus's chosen patches, drawn as boxes on the frames it saw."""
from typing import Dict, Optional, Sequence

import numpy as np

from mmtin.engine.hooks.video_visualization_hook import clip_frames
from .clip_inputs import run_pipeline
from .media import (ANIMATION_SUFFIXES, beside, check_out, class_name,
                    figure_to_rgb, new_figure, save_figure, write_animation)
from .model_family import require_family


def patch_boxes(model, inputs) -> np.ndarray:
    """Boxes ``[T, 4]`` (``x0, y0, x1, y1`` in input pixels) of the patches
    the model focuses on, for the first view of a batch of one.

    Computed through the recognizer's public steps: ``glance`` then
    ``select`` (the patch corner is ``u * (size - patch_size)``).
    """
    import torch
    if inputs.dim() != 5:
        raise ValueError('adafocus: expected [N, T, C, H, W] inputs, got '
                         f'{tuple(inputs.shape)}')
    t = model.num_segments
    frames = inputs[:1, :t].flatten(0, 1)
    with torch.no_grad():
        gmap, _ = model.glance(frames)
        positions = model.select(gmap)[0]  # [T, 2] in [0, 1]
    h, w = frames.shape[-2:]
    p = model.patch_size
    x0 = positions[:, 0] * (w - p)
    y0 = positions[:, 1] * (h - p)
    return torch.stack([x0, y0, x0 + p, y0 + p], 1).cpu().numpy()


def adafocus_patches(model,
                     video: str,
                     out: str,
                     labels: Optional[Sequence[str]] = None,
                     fps: float = 2.) -> Dict[str, str]:
    """Draw the patch AdaFocus picks in every segment of ``video``.

    Args:
        model (nn.Module): An ``AdaFocusRecognizer``.
        video (str): Video file (sampled by the config's test pipeline).
        out (str): ``*.gif`` or ``*.mp4``: one frame per segment with its
            patch; a PNG grid of all segments is written beside it.
        labels (Sequence[str], optional): Class names. Default: None.
        fps (float): Frame rate of the animation. Default: 2.

    Returns:
        dict[str, str]: ``animation`` and ``grid`` paths.
    """
    require_family(model, 'adafocus', 'AdaFocusRecognizer')
    out = check_out(out, ANIMATION_SUFFIXES, 'adafocus')
    import torch
    from matplotlib.patches import Rectangle
    data = run_pipeline(model, video=video)
    boxes = patch_boxes(model, data['inputs'])
    frames = clip_frames(data['raw'])[:len(boxes)]
    with torch.no_grad():  # the last step's scores (no early exit)
        score = model(data['inputs'], mode='tensor')[0, -1].softmax(-1)
    best = int(score.argmax())
    head = f'{class_name(best, labels)} {float(score[best]):.2f}'

    def panel(ax, i):
        ax.imshow(frames[i])
        x0, y0, x1, y1 = boxes[i]
        ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0,
                               fill=False, edgecolor='red', linewidth=2))
        ax.set_title(f'segment {i}', fontsize=9)
        ax.set_axis_off()

    pictures = []
    for i in range(len(boxes)):
        fig = new_figure(320, 360)
        panel(fig.add_axes([0.02, 0.02, 0.96, 0.84]), i)
        fig.suptitle(head, fontsize=9)
        pictures.append(figure_to_rgb(fig))
    animation = write_animation(pictures, out, fps=fps)

    cols = min(4, len(boxes))
    rows = -(-len(boxes) // cols)
    fig = new_figure(220 * cols, 220 * rows + 40)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02,
                        top=1 - 50 / (220 * rows + 40), wspace=0.05)
    for i in range(len(boxes)):
        panel(fig.add_subplot(rows, cols, i + 1), i)
    fig.suptitle(f'AdaFocus patches ({model.patch_size} px): {head}',
                 fontsize=10)
    grid = save_figure(fig, beside(out, '.png'))
    return dict(animation=animation, grid=grid)
