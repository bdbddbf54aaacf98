# Copyright (c) OpenMMLab. All rights reserved.
"""Draw one picture per synthetic generator: a row per named variant
(``VARIANTS``), a column per class, each cell one frame of a clip.

Usage:
    python tools/data/show_variants.py [--out-dir docs] [--seed 0]

Writes ``OUT_DIR/{small_object,audio_visual,moving_object}_variants.png``;
the audio-visual rows end with the spectrograms (0-4 kHz, 2 s) of a class-2
and a class-3 sound, the moving-object rows show the first frames of one
clip instead (its class is a majority over frames).
"""
import argparse
import io
import os
import os.path as osp

import numpy as np

from mmtin.datasets.synthetic import audio_visual, moving_object, small_object


def small_object_cells(name, seed):
    """One frame of each class of small-object variant ``name``, then the
    four targets enlarged."""
    axes = small_object.VARIANTS[name]
    frames, crops = [], []
    for label in range(len(small_object.CLASSES)):
        clip, corners = small_object.render_clip(
            np.random.default_rng([seed, label]), label, frames=2, **axes)
        (x, y), side = corners[0], axes['object_size']
        frames.append(clip[0])
        crops.append(clip[0, y:y + side, x:x + side])
    return frames + crops


def spectrogram(wave, sample_rate=16000, top_hz=4000, bins=64):
    """An RGB log-magnitude spectrogram (``bins`` rows up to ``top_hz``,
    low frequencies at the bottom)."""
    from matplotlib import colormaps
    win = 512
    hops = range(0, len(wave) - win, (len(wave) - win) // bins)
    spec = np.abs(np.stack([
        np.fft.rfft(wave[i:i + win] * np.hanning(win)) for i in hops
    ], 1))[:win * top_hz // sample_rate]
    spec = spec.reshape(bins, -1, spec.shape[1]).mean(1)
    db = np.log10(spec + 1e-3)
    db = (db - db.min()) / max(db.max() - db.min(), 1e-9)
    return colormaps['magma'](db[::-1])[..., :3]


def audio_visual_cells(name, seed):
    """One frame of each class of audio-visual variant ``name``, then the
    spectrograms of a class-2 and a class-3 sound (2 s)."""
    axes = audio_visual.VARIANTS[name]
    samples = [
        audio_visual.render_sample(np.random.default_rng([seed, label]),
                                   label, size=32, frames=16, **axes)
        for label in range(len(audio_visual.CLASSES))
    ]
    return [s[0][0] for s in samples] + [
        spectrogram(samples[label][1]) for label in audio_visual.SOUND_CLASSES
    ]


def moving_object_cells(name, seed, num=4):
    """The first ``num`` frames of a right-majority clip of ``name``."""
    clip, _ = moving_object.render_clip(
        np.random.default_rng(seed), 1, size=32,
        **moving_object.VARIANTS[name])
    return list(clip[:num])


def save_grid(path, rows, names, columns):
    """Save ``rows`` (lists of equal-size RGB frames) as a labelled PNG."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(rows), len(columns),
                             figsize=(1.3 * len(columns) + 1.2,
                                      1.3 * len(rows) + 0.3),
                             squeeze=False)
    for r, (row, name) in enumerate(zip(rows, names)):
        for c, cell in enumerate(row):
            ax = axes[r, c]
            ax.imshow(cell, interpolation='nearest')
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(columns[c], fontsize=7)
        axes[r, 0].set_ylabel(name, fontsize=7)
    fig.tight_layout(pad=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, dpi=72)
    plt.close(fig)
    from PIL import Image  # a 256-colour palette keeps the PNG small
    Image.open(buf).convert('RGB').quantize(256).save(path, optimize=True)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Draw the named variants of the synthetic generators')
    parser.add_argument('--out-dir', default='docs')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    jobs = (
        ('small_object', small_object, small_object_cells,
         [f'class {k}' for k in range(4)] +
         [f'target {k}' for k in range(4)]),
        ('audio_visual', audio_visual, audio_visual_cells,
         ['class 0 (picture)', 'class 1 (picture)', 'class 2 (sound)',
          'class 3 (sound)', 'class 2 sound', 'class 3 sound']),
        ('moving_object', moving_object, moving_object_cells,
         [f'frame {t}' for t in range(4)]),
    )
    for stem, module, cells, columns in jobs:
        names = list(module.VARIANTS)
        path = osp.join(args.out_dir, f'{stem}_variants.png')
        save_grid(path, [cells(name, args.seed) for name in names], names,
                  columns)
        print(path)


if __name__ == '__main__':
    main()
