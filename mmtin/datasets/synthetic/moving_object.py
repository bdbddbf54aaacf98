# Copyright (c) OpenMMLab. All rights reserved.
"""A synthetic dataset where the class-deciding object moves across the frame.

Built for the LSTS keyframe-propagation evidence: a textured object jumps
between the left and the right half of the frame; the class is the half it
spends most frames in (``left_majority`` / ``right_majority``, at least 5
of 8 frames on that side). Every frame counts, so a model that only sees
some frames (propagating a keyframe's features unchanged to its neighbours)
loses information, while one that moves the keyframe's features to where
the object is in each frame keeps it.

Details: the background is one smooth texture for the whole clip; the
object's horizontal centre lies in a band of its half (``object_size // 2 +
1`` to that plus ``size // 16`` pixels from the midline), its vertical
centre drifts by at most ``size / 16`` pixels a frame. The
majority side holds ``majority_counts`` frames (5 or 6 of 8 by default) at
random frame indices.

Layout (as the demo dataset)::

    OUT_DIR/
        videos/{train,val,test}/NNNNN.mp4
        train.txt, val.txt, test.txt   # "videos/train/00000.mp4 1" lines
        label_map.txt
        meta.json                      # written last
"""
import json
import os.path as osp

import numpy as np

from .labelled_splits import (check_decodes, seeded_samples,
                              write_labelled_splits, write_video)

CLASSES = ('left_majority', 'right_majority')


def _texture(rng, size, cells, channels=3):
    """``[size, size, channels]`` smooth noise in [0, 1] (bilinear from a
    coarse ``cells + 1`` grid)."""
    coarse = rng.random((cells + 1, cells + 1, channels))
    pos = np.linspace(0, cells, size)
    i0 = np.minimum(pos.astype(int), cells - 1)
    w = (pos - i0)[:, None, None]
    rows = coarse[i0] * (1 - w) + coarse[i0 + 1] * w
    w = (pos - i0)[None, :, None]
    return rows[:, i0] * (1 - w) + rows[:, i0 + 1] * w


def side_sequence(rng, frames, label, majority_counts):
    """Which half the object is in at each frame (1 = right).

    Args:
        rng (numpy.random.Generator): Source of randomness.
        frames (int): Number of frames.
        label (int): 1 if the right half has the majority, else 0.
        majority_counts (Sequence[int]): Allowed numbers of frames on the
            majority side (each > frames / 2); one is drawn uniformly.

    Returns:
        numpy.ndarray: ``int`` array of shape ``[frames]``.
    """
    count = int(rng.choice(majority_counts))
    sides = np.full(frames, 1 - label)
    sides[rng.choice(frames, size=count, replace=False)] = label
    return sides


def render_clip(rng, label, size=64, frames=8, object_size=None,
                majority_counts=(5, 6)):
    """Render one clip of class ``label``.

    Args:
        rng (numpy.random.Generator): Source of randomness.
        label (int): 0 (left majority) or 1 (right majority).
        size (int): Frame height and width. Default: 64.
        frames (int): Number of frames. Default: 8.
        object_size (int, optional): Object side; None: ``size // 6``.
            Default: None.
        majority_counts (Sequence[int]): See :func:`side_sequence`.
            Default: (5, 6).

    Returns:
        tuple[numpy.ndarray, numpy.ndarray]: ``uint8 [frames, size, size,
        3]`` frames and the ``[frames, 2]`` object centres ``(x, y)``.
    """
    side = object_size or size // 6
    bg = np.clip(_texture(rng, size, cells=3) * 0.5 + 0.25, 0, 1)
    light, dark = rng.uniform(0.8, 1.0, 3), rng.uniform(0.0, 0.2, 3)
    yy, xx = np.mgrid[:side, :side]
    check = max(side // 4, 1)
    sprite = np.where(((yy // check + xx // check) % 2)[..., None] == 1,
                      light, dark)
    sides = side_sequence(rng, frames, label, majority_counts)
    half = size / 2
    # band of object centres in each half, [near, far] from the midline
    near = side // 2 + 1
    far = near + size // 16
    centres = np.empty((frames, 2))
    y = rng.uniform(size * 0.25, size * 0.75)
    out = np.empty((frames, size, size, 3), np.uint8)
    for t in range(frames):
        dist = rng.uniform(near, far)
        x = half + dist if sides[t] else half - dist
        y = float(np.clip(y + rng.uniform(-size / 16, size / 16),
                          side, size - side))
        x0, y0 = int(round(x - side / 2)), int(round(y - side / 2))
        frame = bg.copy()
        frame[y0:y0 + side, x0:x0 + side] = sprite
        out[t] = np.rint(frame * 255)
        centres[t] = (x0 + side / 2, y0 + side / 2)
    return out, centres


def generate_moving_object_dataset(out_dir,
                                   num_videos=640,
                                   frames=8,
                                   size=32,
                                   seed=0,
                                   val_ratio=0.125,
                                   test_ratio=0.25,
                                   majority_counts=(5, 6),
                                   fps=8):
    """Write the moving-object dataset to ``out_dir``.

    Args:
        out_dir (str): Output folder (created if needed).
        num_videos (int): Total number of videos (classes alternate, so
            each split is balanced to within one video). Default: 640.
        frames (int): Frames per video. Default: 8.
        size (int): Frame height and width, even, one decord reads (32, 64,
            96, ...). Default: 32.
        seed (int): Random seed; the output is a function of all arguments.
            Default: 0.
        val_ratio (float): Fraction of videos in ``val.txt``.
            Default: 0.125.
        test_ratio (float): Fraction of videos in ``test.txt``.
            Default: 0.25.
        majority_counts (Sequence[int]): Frames on the majority side; each
            must be in ``(frames / 2, frames]``. Default: (5, 6).
        fps (int): Frame rate written into the files. Default: 8.

    Returns:
        dict: The parameters and the number of videos per split (also in
        ``meta.json``).
    """
    if size < 32 or size % 2:
        raise ValueError(f'size must be an even number >= 32, got {size}')
    if frames < 2:
        raise ValueError(f'frames must be >= 2, got {frames}')
    majority_counts = [int(c) for c in majority_counts]
    if not majority_counts or any(
            not frames / 2 < c <= frames for c in majority_counts):
        raise ValueError(
            f'majority_counts={majority_counts} must lie in (frames / 2, '
            f'frames] = ({frames / 2}, {frames}]')
    n_val = int(round(num_videos * val_ratio))
    n_test = int(round(num_videos * test_ratio))
    sizes = dict(train=num_videos - n_val - n_test, val=n_val, test=n_test)
    if min(sizes.values()) < 2:
        raise ValueError(f'num_videos={num_videos} leaves a split with '
                         f'fewer than 2 videos: {sizes}')

    def render(rng, index, k):
        label = k % 2
        clip, _ = render_clip(rng, label, size=size, frames=frames,
                              majority_counts=majority_counts)
        return clip, label

    counts = write_labelled_splits(
        out_dir, seeded_samples(sizes, render, seed), CLASSES,
        write=lambda path, clip: write_video(path, clip, fps=fps),
        check=lambda path: check_decodes(path, frames, size))
    meta = dict(num_videos=num_videos, frames=frames, size=size, seed=seed,
                val_ratio=val_ratio, test_ratio=test_ratio,
                majority_counts=majority_counts, fps=fps,
                classes=list(CLASSES), counts=counts)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta
