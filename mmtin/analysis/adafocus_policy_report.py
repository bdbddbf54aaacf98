# Copyright (c) OpenMMLab. All rights reserved.
"""The report of :mod:`mmtin.analysis.adafocus_policy` for a whole study:
markdown, JSON-ready numbers, the chosen patches on a few test videos and
the training curves of every stage (:func:`study_diagnostics`)."""
import os.path as osp
from typing import Dict, Sequence

from .adafocus_policy import (CURVES, ROW_LABELS, diagnostics_markdown,
                              read_scalars, variant_diagnostics)

#: Box colours: target, V1 patch, V2 patch.
COLOURS = dict(target='yellow', a='red', a2='deepskyblue')


def _figure(width, height):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt, plt.figure(figsize=(width, height))


def plot_patches(picture: dict, patch_size: float, target_size: float,
                 path: str, title: str = '') -> str:
    """One row per test video, one column per sampled frame: the target's
    box and the patch each policy chose.

    Args:
        picture (dict): ``picture`` of :func:`variant_diagnostics`.
        patch_size (float): Patch side in input pixels.
        target_size (float): Target side in input pixels.
        path (str): The PNG to write.
        title (str): Figure title. Default: ''.

    Returns:
        str: ``path``.
    """
    from matplotlib.patches import Rectangle
    frames = picture['frames']
    if not frames:
        raise ValueError('plot_patches: no frames in the picture')
    rows, cols = len(frames), len(frames[0])
    plt, fig = _figure(1.8 * cols, 1.9 * rows + 0.5)
    for i, clip in enumerate(frames):
        for j, img in enumerate(clip):
            ax = fig.add_subplot(rows, cols, i * cols + j + 1)
            ax.imshow(img)
            x, y = picture['targets'][i][j]
            ax.add_patch(Rectangle((x - .5, y - .5), target_size,
                                   target_size, fill=False, linewidth=1.5,
                                   linestyle='--',
                                   edgecolor=COLOURS['target']))
            for row, (_, corners) in picture['patches'].items():
                px, py = corners[i][j]
                ax.add_patch(Rectangle((px - .5, py - .5), patch_size,
                                       patch_size, fill=False, linewidth=1.5,
                                       edgecolor=COLOURS[row]))
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(f'frame {j}', fontsize=8)
    legend = ', '.join(
        [f'target: {COLOURS["target"]}'] +
        [f'{ROW_LABELS[r]} seed {s}: {COLOURS[r]}'
         for r, (s, _) in picture['patches'].items()])
    fig.suptitle(f'{title}\n{legend}' if title else legend, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def plot_curves(variant_dir: str, seeds: Sequence[int], path: str,
                title: str = '') -> str:
    """Training curves of every stage (:data:`CURVES`: loss per stage,
    PPO's reward and loss), one line per seed.

    Args:
        variant_dir (str): Work dir of the variant (``seed{S}/STAGE/``).
        seeds (Sequence[int]): Seeds.
        path (str): The PNG to write.
        title (str): Figure title. Default: ''.

    Returns:
        str: ``path``.
    """
    cols = 3
    rows = -(-len(CURVES) // cols)
    plt, fig = _figure(4 * cols, 2.8 * rows + 0.4)
    for k, (stage, key) in enumerate(CURVES):
        ax = fig.add_subplot(rows, cols, k + 1)
        for i, seed in enumerate(seeds):
            curves = read_scalars(osp.join(variant_dir, f'seed{seed}',
                                           stage))
            if key in curves:
                ax.plot(*curves[key], color=f'C{i}', linewidth=1,
                        label=f'seed {seed}')
        ax.set_title(f'{stage}: {key}', fontsize=9)
        ax.set_xlabel('iteration', fontsize=8)
        ax.tick_params(labelsize=7)
        if ax.lines:
            ax.legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def study_diagnostics(work_dir: str, data_roots: Dict[str, str],
                      seeds: Sequence[int], out_dir: str,
                      stem: str = 'adafocus_evidence',
                      log=print) -> dict:
    """Diagnose every data variant of an AdaFocus evidence study and draw
    its pictures.

    Args:
        work_dir (str): The study's ``--work-dir``.
        data_roots (dict): Variant -> data folder
            (:func:`mmtin.study.variant_roots`; ``''``: no variant level).
        seeds (Sequence[int]): Seeds.
        out_dir (str): Where ``STEM_patches[_VARIANT].png`` and
            ``STEM_curves[_VARIANT].png`` go.
        stem (str): File name stem. Default: 'adafocus_evidence'.
        log (Callable): Printer of the collapse warnings. Default: print.

    Returns:
        dict: ``markdown`` (variant -> table and notes), ``numbers``
        (variant -> JSON-ready diagnostics), ``collapsed`` (``'VARIANT
        seed S row'`` of every collapsed policy), ``blind`` (the same for
        policies blind to a class) and ``paths``.
    """
    import os
    os.makedirs(out_dir, exist_ok=True)
    out = dict(markdown={}, numbers={}, collapsed=[], blind=[], paths=[])
    for variant, root in data_roots.items():
        vdir = osp.join(work_dir, variant)
        diag = variant_diagnostics(vdir, root, seeds)
        suffix = f'_{variant}' if variant else ''
        md = diagnostics_markdown(diag, seeds)
        pictures = []
        if diag['per_seed']:
            pictures.append(plot_patches(
                diag['picture'], diag['sizes']['patch'],
                diag['sizes']['target'],
                osp.join(out_dir, f'{stem}_patches{suffix}.png'),
                f'{variant or "dev"}: chosen patches on test videos'))
        if any(osp.isdir(osp.join(vdir, f'seed{s}')) for s in seeds):
            pictures.append(plot_curves(
                vdir, seeds, osp.join(out_dir, f'{stem}_curves{suffix}.png'),
                f'{variant or "dev"}: training curves'))
        links = ' '.join(f'![{osp.basename(p)}]({osp.basename(p)})'
                         for p in pictures)
        md += f'\n\n{links}' if links else ''
        out['paths'] += pictures
        for where in diag['collapsed']:
            tag = f'{variant} {where}' if variant else where
            out['collapsed'].append(tag)
            log(f'[diagnostics] POLICY COLLAPSED: {tag}')
        for where in diag['blind']:
            tag = f'{variant} {where}' if variant else where
            out['blind'].append(tag)
            log(f'[diagnostics] POLICY BLIND TO CLASSES: {tag}')
        out['markdown'][variant] = md
        out['numbers'][variant] = {k: v for k, v in diag.items()
                                   if k != 'picture'}
    return out
