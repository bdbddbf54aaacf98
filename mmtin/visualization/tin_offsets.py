# Copyright (c) OpenMMLab. All rights reserved.
"""TIN's learned temporal offsets and weights per layer, for one clip."""
from typing import Dict, List, Optional, Sequence

import numpy as np

from .clip_inputs import run_pipeline
from .media import check_out, new_figure, save_figure
from .model_family import require_family


def interlace_outputs(model, inputs) -> List[dict]:
    """Offsets and weights of every ``TemporalInterlace`` for one clip.

    Args:
        model (nn.Module): A recognizer with ``TemporalInterlace`` modules.
        inputs (Tensor): Preprocessed inputs, batch of one.

    Returns:
        list[dict]: In forward order: ``name``, ``offsets`` ``[2]`` (in
        frames; groups 2 and 3 use their negatives), ``weights`` ``[T, 2]``
        (first clip of the batch).
    """
    import torch
    layers = [(n, m) for n, m in model.named_modules()
              if type(m).__name__ == 'TemporalInterlace']
    found, handles = {}, []
    for name, module in layers:
        for part in ('offset_net', 'weight_net'):
            def grab(mod, args, output, name=name, part=part):
                found.setdefault(name, {})[part] = output.detach()[0]
            handles.append(getattr(module, part).register_forward_hook(grab))
    try:
        with torch.no_grad():
            model(inputs, mode='tensor')
    finally:
        for h in handles:
            h.remove()
    return [
        dict(name=name, offsets=found[name]['offset_net'].cpu().numpy(),
             weights=found[name]['weight_net'].cpu().numpy())
        for name, _ in layers if name in found
    ]


def _short(name: str) -> str:
    return name.replace('backbone.', '').replace('.conv1', '').replace(
        '.tin', '')


def tin_offsets(model,
                video: str,
                out: str,
                labels: Optional[Sequence[str]] = None) -> Dict[str, str]:
    """Plot TIN's offsets and temporal weights per layer for ``video``.

    Args:
        model (nn.Module): A recognizer with ``TemporalInterlace`` modules
            (``TINResNet``, ``TINInserter``).
        video (str): Video file (one clip of the test pipeline).
        out (str): ``*.png``: left, the two learned offsets (and their
            mirrors) of every layer; right, the weights per frame.
        labels (Sequence[str], optional): Unused. Default: None.

    Returns:
        dict[str, str]: ``offsets`` path.
    """
    require_family(model, 'tin', 'TemporalInterlace')
    out = check_out(out, ('.png', ), 'tin')
    data = run_pipeline(model, video=video)
    layers = interlace_outputs(model, data['inputs'])
    if not layers:
        raise ValueError('tin: no TemporalInterlace ran on the clip')
    n = len(layers)
    fig = new_figure(900, max(400, 24 * n + 150))
    ax = fig.add_axes([0.2, 0.14, 0.33, 0.72])
    offsets = np.stack([layer['offsets'] for layer in layers])  # [L, 2]
    y = np.arange(n)[::-1]
    for g, (colour, marker) in enumerate((('tab:red', 'o'),
                                          ('tab:blue', 's'))):
        ax.scatter(offsets[:, g], y, color=colour, marker=marker,
                   label=f'o{g} (group {g})')
        ax.scatter(-offsets[:, g], y, facecolors='none', edgecolors=colour,
                   marker=marker, label=f'-o{g} (group {g + 2})')
    ax.axvline(0, color='gray', linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([_short(layer['name']) for layer in layers],
                       fontsize=7)
    ax.set_xlabel('temporal offset (frames)')
    ax.set_title('learned offsets per layer', fontsize=10)
    ax.legend(fontsize=7, loc='lower right')
    weights = np.stack([layer['weights'] for layer in layers])  # [L, T, 2]
    t = weights.shape[1]
    ax = fig.add_axes([0.6, 0.14, 0.32, 0.72])
    image = ax.imshow(weights.transpose(0, 2, 1).reshape(n, 2 * t),
                      aspect='auto', cmap='viridis')
    ax.axvline(t - 0.5, color='white', linewidth=2)
    ax.set_xticks([t / 2 - 0.5, 1.5 * t - 0.5])
    ax.set_xticklabels([f'w0 (frames 0-{t - 1})', f'w1 (frames 0-{t - 1})'],
                       fontsize=8)
    ax.set_yticks(range(n))
    ax.set_yticklabels([])
    ax.set_title('temporal weights per frame', fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.05)
    fig.suptitle(f'TIN: {n} interlaced layers, {t} frames', fontsize=11,
                 y=0.98)
    return dict(offsets=save_figure(fig, out))
