# Copyright (c) OpenMMLab. All rights reserved.
"""A synthetic dataset whose class is decided by one small moving object.

Built for AdaFocus (spatially adaptive recognition): every video shows a
large cluttered frame (smooth tinted-grey noise plus static discs of muted
colours) and one small *target*: a square with a saturated ring (red for
classes 0 and 1, blue for 2 and 3) whose inside carries a fine grey stripe
texture. The ring colour is the coarse cue a glance can see (it tells the
pair and where the target is); the texture decides the class within the
pair:

* 0 ``horizontal``: dark rows ``y % period < period // 2``;
* 1 ``vertical``: dark columns ``x % period < period // 2``;
* 2 ``diagonal``: dark where ``(x + y) % period < period // 2``;
* 3 ``antidiagonal``: dark where ``(x - y) % period < period // 2``.

The target (``object_size`` px, a few percent of the frame area) starts at
a random place and moves along a straight line. All four textures have the
same mean, and a ``period x period`` box filter (an ``area`` downsample by
``period``, 96 -> 24 pixels by default) maps every one of them to the same
flat grey: a glance at ``size / period`` pixels finds the coloured ring
(and so the pair) but cannot tell the class, while a ``P x P`` patch at
full resolution over the target can. The videos are lossless H.264
(``crf=0``, yuv444p), so textures survive.

Layout written by :func:`generate_small_object_dataset`::

    OUT_DIR/
        videos/{train,val,test}/NNNNN.mp4
        train.txt, val.txt, test.txt   # "videos/train/00000.mp4 2" lines
        label_map.txt                  # one class name per line
        meta.json                      # parameters; written last
"""
import json
import os.path as osp

import numpy as np

from .labelled_splits import (check_decodes, seeded_samples,
                              write_labelled_splits, write_video)

CLASSES = ('horizontal', 'vertical', 'diagonal', 'antidiagonal')
# ring colour of classes (0, 1) and of (2, 3): the coarse cue a glance sees
RING_RGB = ((0.95, 0.05, 0.05), (0.05, 0.05, 0.95))


def _texture(label, side, period, phase):
    """A ``[side, side]`` grey texture of class ``label`` (values 0.15 /
    0.85, dark on ``period // 2`` pixels in ``period``)."""
    yy, xx = np.mgrid[:side, :side] + np.asarray(phase)[:, None, None]
    key = (yy, xx, xx + yy, xx - yy)[label]
    return np.where(key % period < period // 2, 0.15, 0.85)


def _clutter(rng, size, num_discs):
    """Smooth tinted-grey noise plus static discs of muted colours.

    Every clutter colour has its channels within 0.2 of each other, so the
    target's ring (0.9) stays the one saturated thing even in the glance,
    where it blends with its neighbours to about half its saturation.
    """
    cells = 4
    coarse = rng.uniform(0.25, 0.75, (cells + 1, cells + 1, 1)) + \
        rng.uniform(0, 0.2, (cells + 1, cells + 1, 3))
    pos = np.linspace(0, cells, size)
    i0 = np.minimum(pos.astype(int), cells - 1)
    w = (pos - i0)[:, None, None]
    rows = coarse[i0] * (1 - w) + coarse[i0 + 1] * w
    w = (pos - i0)[None, :, None]
    frame = rows[:, i0] * (1 - w) + rows[:, i0 + 1] * w
    yy, xx = np.mgrid[:size, :size]
    for _ in range(num_discs):
        r = rng.uniform(3, size / 10)
        cx, cy = rng.uniform(0, size, 2)
        colour = rng.uniform(0.1, 0.7) + rng.uniform(0, 0.2, 3)
        frame[(xx - cx)**2 + (yy - cy)**2 <= r * r] = colour
    return frame


def render_clip(rng, label, size=96, frames=8, object_size=16, period=4,
                ring=2, num_discs=8, max_shift=0.25):
    """Render one clip of class ``label``.

    Args:
        rng (numpy.random.Generator): Source of randomness.
        label (int): Class index (texture), in ``[0, 4)``.
        size (int): Frame height and width in pixels. Default: 96.
        frames (int): Number of frames. Default: 8.
        object_size (int): Side of the target, ring included. Default: 16.
        period (int): Texture period in pixels. Default: 4.
        ring (int): Width of the coloured ring in pixels. Default: 2.
        num_discs (int): Clutter discs in the background. Default: 8.
        max_shift (float): Largest displacement of the target over the
            clip, as a fraction of ``size``. Default: 0.25.

    Returns:
        tuple[numpy.ndarray, numpy.ndarray]: ``uint8`` frames
        ``[frames, size, size, 3]`` and the target's top-left corners
        ``[frames, 2]`` as ``(x, y)``.
    """
    frame = _clutter(rng, size, num_discs)
    side = object_size
    room = size - side
    shift = rng.uniform(-1, 1, 2) * max_shift * size
    start = np.array([rng.uniform(max(0, -s), room - max(0, s))
                      for s in shift])
    t = np.linspace(0, 1, frames)[:, None]
    corners = np.rint(start + shift * t).astype(int)
    inner = side - 2 * ring
    tex = _texture(label, inner, period, rng.integers(0, period, 2))
    target = np.empty((side, side, 3))
    target[:] = RING_RGB[label // 2]
    target[ring:ring + inner, ring:ring + inner] = tex[..., None]
    out = np.empty((frames, size, size, 3), np.uint8)
    for i, (x, y) in enumerate(corners):
        img = frame.copy()
        img[y:y + side, x:x + side] = target
        out[i] = np.rint(img * 255)
    return out, corners


def generate_small_object_dataset(out_dir,
                                  num_videos=960,
                                  frames=8,
                                  size=96,
                                  object_size=16,
                                  period=4,
                                  seed=0,
                                  val_ratio=0.125,
                                  test_ratio=0.25,
                                  fps=8):
    """Write the small-object dataset to ``out_dir``.

    Args:
        out_dir (str): Output folder (created if needed).
        num_videos (int): Total number of videos (classes balanced by
            cycling). Default: 960.
        frames (int): Frames per video. Default: 8.
        size (int): Frame height and width, even, one that decord reads
            (not 16, 24, 48 or 72). Default: 96.
        object_size (int): Side of the target in pixels; at most
            ``size // 2``. Default: 16.
        period (int): Texture period; the glance downsample factor that
            hides the class. Default: 4.
        seed (int): Random seed; the output is a function of all arguments.
            Default: 0.
        val_ratio (float): Fraction of videos in ``val.txt``.
            Default: 0.125.
        test_ratio (float): Fraction of videos in ``test.txt``.
            Default: 0.25.
        fps (int): Frame rate written into the files. Default: 8.

    Returns:
        dict: The parameters and the number of videos of each split (also
        written to ``meta.json``).
    """
    if size < 32 or size % 2:
        raise ValueError(f'size must be an even number >= 32, got {size}')
    if not 4 + 2 * period <= object_size <= size // 2:
        raise ValueError(
            f'object_size must be in [{4 + 2 * period}, {size // 2}] for '
            f'size={size}, period={period}, got {object_size}')
    if frames < 1:
        raise ValueError(f'frames must be >= 1, got {frames}')
    n_val = int(round(num_videos * val_ratio))
    n_test = int(round(num_videos * test_ratio))
    sizes = dict(train=num_videos - n_val - n_test, val=n_val, test=n_test)
    if min(sizes.values()) < 1:
        raise ValueError(f'num_videos={num_videos} leaves an empty split: '
                         f'{sizes}')

    def render(rng, index, k):
        label = index % len(CLASSES)
        clip, _ = render_clip(rng, label, size=size, frames=frames,
                              object_size=object_size, period=period)
        return clip, label

    counts = write_labelled_splits(
        out_dir, seeded_samples(sizes, render, seed), CLASSES,
        write=lambda path, clip: write_video(path, clip, fps=fps),
        check=lambda path: check_decodes(path, frames, size))
    meta = dict(
        num_videos=num_videos, frames=frames, size=size,
        object_size=object_size, period=period, seed=seed,
        val_ratio=val_ratio, test_ratio=test_ratio, fps=fps,
        object_area_percent=round(100 * object_size**2 / size**2, 2),
        classes=list(CLASSES), counts=counts)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta
