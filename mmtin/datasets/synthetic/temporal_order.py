# Copyright (c) OpenMMLab. All rights reserved.
"""A tiny synthetic action dataset whose class depends on temporal order only.

Every sample is a pair of twin videos built from one rendered clip: a
textured object slides along a straight line over a textured background,
always with a rightward component (within +-30 degrees of horizontal).

* class 0 (``forward_moving_right``): the frames in rendered order;
* class 1 (``reversed_moving_left``): the very same frames, time-reversed.

So the multiset of frames of a class-0 video equals that of its class-1 twin
and a frame-level model (TSN: per-frame features, averaged) cannot beat
chance, while a model that relates neighbouring frames (TSM, TIN, TDN) can.
The videos are lossless H.264 (``crf=0``, yuv444p), so decoded twins are exact
time-reversals of each other. Both twins always land in the same split.

Layout written by :func:`generate_demo_dataset`::

    OUT_DIR/
        videos/{train,val,test}/NNNNN.mp4
        train.txt, val.txt, test.txt   # "videos/train/00000.mp4 1" lines
        label_map.txt                  # one class name per line
        meta.json                      # parameters; written last
"""
import itertools
import json
import os.path as osp

import numpy as np

from .labelled_splits import check_decodes, write_labelled_splits, write_video

CLASSES = ('forward_moving_right', 'reversed_moving_left')


def _smooth_noise(rng, size, cells, channels=3):
    """``[size, size, channels]`` noise in [0, 1], bilinear from a coarse
    ``(cells + 1)`` grid."""
    coarse = rng.random((cells + 1, cells + 1, channels))
    pos = np.linspace(0, cells, size)
    i0 = np.minimum(pos.astype(int), cells - 1)
    w = (pos - i0)[:, None, None]
    rows = coarse[i0] * (1 - w) + coarse[i0 + 1] * w  # [size, cells+1, C]
    w = (pos - i0)[None, :, None]
    return rows[:, i0] * (1 - w) + rows[:, i0 + 1] * w


def _background(rng, size):
    """Smooth mid-contrast colour texture plus a little grain."""
    base = _smooth_noise(rng, size, cells=3) * 0.4 + 0.25
    grain = rng.normal(0, 0.03, (size, size, 1))
    return np.clip(base + grain, 0, 1)


def _sprite(rng, side):
    """A high-contrast checked square or disc: (rgb [side, side, 3], mask)."""
    light = rng.uniform(0.75, 1.0, 3)
    dark = rng.uniform(0.0, 0.25, 3)
    check = int(rng.integers(2, 4))
    yy, xx = np.mgrid[:side, :side]
    parity = ((yy // check + xx // check) % 2)[..., None]
    rgb = np.where(parity == 1, light, dark)
    if rng.random() < 0.5:
        mask = np.ones((side, side), bool)
    else:
        c = (side - 1) / 2
        mask = (yy - c)**2 + (xx - c)**2 <= (side / 2)**2
    return rgb, mask


def render_clip(rng, size=64, frames=16):
    """Render one forward clip: an object moving with a rightward component.

    Args:
        rng (numpy.random.Generator): Source of randomness.
        size (int): Frame height and width in pixels. Default: 64.
        frames (int): Number of frames. Default: 16.

    Returns:
        numpy.ndarray: ``uint8`` frames, shape ``[frames, size, size, 3]``.
    """
    bg = _background(rng, size)
    side = int(rng.integers(size // 4, size // 3 + 1))
    rgb, mask = _sprite(rng, side)
    room = size - side  # top-left corner range along each axis
    angle = rng.uniform(-np.pi / 6, np.pi / 6)
    length = rng.uniform(0.75, 1.0) * room
    dx, dy = length * np.cos(angle), length * np.sin(angle)
    x0 = rng.uniform(0, room - dx)
    y0 = rng.uniform(max(0., -dy), min(room, room - dy))
    t = np.linspace(0, 1, frames)
    xs = np.rint(x0 + dx * t).astype(int)
    ys = np.rint(y0 + dy * t).astype(int)
    out = np.empty((frames, size, size, 3), np.uint8)
    for i, (x, y) in enumerate(zip(xs, ys)):
        frame = bg.copy()
        patch = frame[y:y + side, x:x + side]
        patch[mask] = rgb[mask]
        out[i] = np.rint(frame * 255)
    return out


def _split_sizes(num_pairs, val_ratio, test_ratio):
    n_val = int(round(num_pairs * val_ratio))
    n_test = int(round(num_pairs * test_ratio))
    n_train = num_pairs - n_val - n_test
    if n_train < 1 or (val_ratio > 0 and n_val < 1) or \
            (test_ratio > 0 and n_test < 1):
        raise ValueError(
            f'num_videos={2 * num_pairs} is too small for val_ratio='
            f'{val_ratio} and test_ratio={test_ratio}: every split needs at '
            'least one pair (two videos)')
    return dict(train=n_train, val=n_val, test=n_test)


def generate_demo_dataset(out_dir,
                          num_videos=600,
                          frames=16,
                          size=64,
                          seed=0,
                          val_ratio=0.15,
                          test_ratio=0.15,
                          fps=8):
    """Write the temporal-order demo dataset to ``out_dir``.

    Args:
        out_dir (str): Output folder (created if needed).
        num_videos (int): Total number of videos, even (pairs of twins).
            Default: 600.
        frames (int): Frames per video. Default: 16.
        size (int): Frame height and width in pixels, even, >= 16, and one
            that decord reads back (decord 0.6.0 fails on 16, 24, 48 and
            72; checked on the first video). Default: 64.
        seed (int): Random seed; the output is a function of all arguments.
            Default: 0.
        val_ratio (float): Fraction of the pairs in ``val.txt``.
            Default: 0.15.
        test_ratio (float): Fraction of the pairs in ``test.txt``.
            Default: 0.15.
        fps (int): Frame rate written into the files. Default: 8.

    Returns:
        dict: The parameters and the number of videos of each split (also
        written to ``meta.json``).
    """
    if num_videos < 2 or num_videos % 2:
        raise ValueError(
            f'num_videos must be an even number >= 2, got {num_videos}')
    if size < 16 or size % 2:
        raise ValueError(f'size must be an even number >= 16, got {size}')
    if frames < 2:
        raise ValueError(f'frames must be >= 2, got {frames}')
    sizes = _split_sizes(num_videos // 2, val_ratio, test_ratio)

    pairs = itertools.count()

    def samples(split):
        for k in range(sizes[split]):
            rng = np.random.default_rng([seed, next(pairs)])
            clip = render_clip(rng, size=size, frames=frames)
            labels = rng.permutation(2)  # which twin gets the lower index
            for j, label in enumerate(labels):
                yield 2 * k + j, clip if label == 0 else clip[::-1], label

    counts = write_labelled_splits(
        out_dir, samples, CLASSES,
        write=lambda path, clip: write_video(path, clip, fps=fps),
        check=lambda path: check_decodes(path, frames, size))
    meta = dict(
        num_videos=num_videos,
        frames=frames,
        size=size,
        seed=seed,
        val_ratio=val_ratio,
        test_ratio=test_ratio,
        fps=fps,
        classes=list(CLASSES),
        counts=counts)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta
