# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML's per-segment modality choices as a timeline."""
from typing import Dict, Optional, Sequence

from mmtin.engine.hooks.video_visualization_hook import clip_frames
from .clip_inputs import run_pipeline
from .media import check_out, class_name, new_figure, save_figure
from .model_family import require_family

COLOURS = dict(rgb='tab:red', audio='tab:green', motion='tab:blue')


def adamml_timeline(model,
                    video: str,
                    out: str,
                    labels: Optional[Sequence[str]] = None) -> Dict[str, str]:
    """Draw which modality AdaMML ran in each segment of ``video``.

    Args:
        model (nn.Module): An ``AdaMMLRecognizer``.
        video (str): Video file (with an audio track when the model uses
            audio).
        out (str): ``*.png``: one row per modality, one column per
            segment (filled: the sub-network ran), the segments' first
            frames above.
        labels (Sequence[str], optional): Class names. Default: None.

    Returns:
        dict[str, str]: ``timeline`` path.
    """
    require_family(model, 'adamml', 'AdaMMLRecognizer')
    out = check_out(out, ('.png', ), 'adamml')
    import torch
    from matplotlib.patches import Rectangle
    data = run_pipeline(model, video=video)
    with torch.no_grad():
        outputs = model(data['inputs'], mode='tensor')
    decisions = outputs['decisions'][0].float().cpu().numpy()
    score = outputs['logits'][0].softmax(-1)
    seg, mods = decisions.shape
    frames = clip_frames(data['raw'])
    thumbs = None
    if frames is not None and len(frames) % seg == 0:
        thumbs = frames[::len(frames) // seg]
    fig = new_figure(max(480, 120 * seg + 160), 150 + 40 * mods + 120)
    top = 0.55 if thumbs is not None else 0.85
    ax = fig.add_axes([0.16, 0.12, 0.8, top - 0.2])
    for j, m in enumerate(model.modalities):
        for s in range(seg):
            on = decisions[s, j] > 0.5
            ax.add_patch(
                Rectangle(
                    (s, mods - 1 - j + 0.1), 0.95, 0.8,
                    facecolor=COLOURS.get(m, 'tab:gray') if on else 'white',
                    edgecolor='black', linewidth=0.8))
    ax.set_xlim(0, seg)
    ax.set_ylim(0, mods)
    ax.set_yticks([mods - 1 - j + 0.5 for j in range(mods)])
    ax.set_yticklabels(list(model.modalities))
    ax.set_xticks([s + 0.5 for s in range(seg)])
    ax.set_xticklabels([str(s) for s in range(seg)])
    ax.set_xlabel('segment (filled: the modality\'s sub-network ran)')
    if thumbs is not None:
        width = 0.8 / seg
        for s, thumb in enumerate(thumbs):
            tax = fig.add_axes([0.16 + s * width, top - 0.02, width * 0.95,
                                0.9 - top])
            tax.imshow(thumb)
            tax.set_axis_off()
    best = int(score.argmax())
    usage = ', '.join(f'{m} {v:.0%}'
                      for m, v in zip(model.modalities, decisions.mean(0)))
    fig.suptitle(f'AdaMML: {class_name(best, labels)} '
                 f'{float(score[best]):.2f}; segments run: {usage}',
                 fontsize=9)
    return dict(timeline=save_figure(fig, out))
