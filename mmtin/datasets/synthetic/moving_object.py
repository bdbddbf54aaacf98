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

That is the ``dev`` variant. **Axes of variation** (keyword arguments of
:func:`render_clip` and :func:`generate_moving_object_dataset`; ``AXES``)
change how the object moves within its half and how it looks, never which
half it is in at each frame (the class and what propagation has to
follow):

* ``path``: ``'drift'`` (as above: a new distance in the band every frame,
  a random vertical walk), ``'bounce'`` (one distance per clip, constant
  vertical speed reflected at the top and bottom margins) or ``'orbit'``
  (a circle squashed into the band: distance and height both turn);
* ``speed``: scale of the vertical step, ``size / 16`` pixels a frame at 1
  (the orbit turns ``speed * 45`` degrees a frame);
* ``appearance``: ``'checker'`` (as above), ``'stripes'``, ``'disc'`` (a
  light disc with a dark rim, the background showing at its corners) or
  ``'noise'`` (random light/dark cells).

**Named variants** (``VARIANTS``; ``variant=NAME``, explicit axes
override; ``meta.json`` records ``variant`` and ``variant_axes``): ``dev``
(drift, 1.0, checker) is the development data; held out are
``bounce_stripes`` (bounce, 1.5, stripes), ``orbit_disc`` (orbit, 0.5,
disc), ``bounce_noise_fast`` (bounce, 2.0, noise) and ``orbit_noise_fast``
(orbit, 2.0, noise). ``tools/data/show_variants.py`` draws them
(``docs/moving_object_variants.png``).

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

from .labelled_splits import (check_decodes, seeded_samples, split_sizes,
                              write_labelled_splits, write_video)
from .variants import check_choice, check_positive, resolve_variant

CLASSES = ('left_majority', 'right_majority')
PATHS = ('drift', 'bounce', 'orbit')
APPEARANCES = ('checker', 'stripes', 'disc', 'noise')
#: Axes of variation (None: numeric).
AXES = dict(path=PATHS, speed=None, appearance=APPEARANCES)
#: Named variants: ``dev`` is the original data; the others are held out.
VARIANTS = {
    'dev': dict(path='drift', speed=1.0, appearance='checker'),
    'bounce_stripes': dict(path='bounce', speed=1.5, appearance='stripes'),
    'orbit_disc': dict(path='orbit', speed=0.5, appearance='disc'),
    'bounce_noise_fast': dict(path='bounce', speed=2.0,
                              appearance='noise'),
    'orbit_noise_fast': dict(path='orbit', speed=2.0, appearance='noise'),
}


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


def _sprite(appearance, rng, side, light, dark):
    """The object's ``[side, side, 3]`` pixels and its ``[side, side]``
    mask (False: the background shows through)."""
    yy, xx = np.mgrid[:side, :side]
    check = max(side // 4, 1)
    mask = np.ones((side, side), bool)
    if appearance == 'checker':
        lit = (yy // check + xx // check) % 2 == 1
    elif appearance == 'stripes':
        lit = (xx // check) % 2 == 1
    elif appearance == 'noise':
        cells = rng.random((side // check + 1, side // check + 1)) < 0.5
        lit = cells[yy // check, xx // check]
    else:  # disc: a light disc with a dark rim
        r = np.hypot(yy - (side - 1) / 2, xx - (side - 1) / 2)
        mask = r <= side / 2
        lit = r <= side / 2 - check
    return np.where(lit[..., None], light, dark), mask


def render_clip(rng, label, size=64, frames=8, object_size=None,
                majority_counts=(5, 6), path='drift', speed=1.0,
                appearance='checker'):
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
        path (str): How the object moves within its half, one of
            ``PATHS`` (see the module docstring). Default: 'drift'.
        speed (float): Scale of the vertical step (``size / 16`` pixels a
            frame at 1). Default: 1.0.
        appearance (str): The object's look, one of ``APPEARANCES``.
            Default: 'checker'.

    Returns:
        tuple[numpy.ndarray, numpy.ndarray]: ``uint8 [frames, size, size,
        3]`` frames and the ``[frames, 2]`` object centres ``(x, y)``.
    """
    check_choice('path', path, PATHS)
    check_choice('appearance', appearance, APPEARANCES)
    check_positive('speed', speed)
    side = object_size or size // 6
    bg = np.clip(_texture(rng, size, cells=3) * 0.5 + 0.25, 0, 1)
    light, dark = rng.uniform(0.8, 1.0, 3), rng.uniform(0.0, 0.2, 3)
    sprite, mask = _sprite(appearance, rng, side, light, dark)
    sides = side_sequence(rng, frames, label, majority_counts)
    half = size / 2
    # band of object centres in each half, [near, far] from the midline
    near = side // 2 + 1
    far = near + size // 16
    lo, hi = side, size - side  # range of the vertical centre
    step = size / 16 * speed
    centres = np.empty((frames, 2))
    y = rng.uniform(size * 0.25, size * 0.75)
    if path == 'bounce':
        dist, vy = rng.uniform(near, far), step * rng.choice((-1, 1))
    elif path == 'orbit':
        theta0, y_mid = rng.uniform(0, 2 * np.pi), y
    out = np.empty((frames, size, size, 3), np.uint8)
    for t in range(frames):
        if path == 'drift':
            dist = rng.uniform(near, far)
            y = float(np.clip(y + rng.uniform(-step, step), lo, hi))
        elif path == 'bounce':
            y += vy
            if not lo <= y <= hi:
                y, vy = 2 * (hi if y > hi else lo) - y, -vy
            y = float(np.clip(y, lo, hi))
        else:  # orbit: a circle squashed into the band
            theta = theta0 + t * speed * np.pi / 4
            dist = (near + far) / 2 + (far - near) / 2 * np.cos(theta)
            y = float(np.clip(y_mid + size / 8 * np.sin(theta), lo, hi))
        x = half + dist if sides[t] else half - dist
        x0, y0 = int(round(x - side / 2)), int(round(y - side / 2))
        frame = bg.copy()
        patch = frame[y0:y0 + side, x0:x0 + side]
        patch[mask] = sprite[mask]
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
                                   fps=8,
                                   variant='dev',
                                   path=None,
                                   speed=None,
                                   appearance=None):
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
        variant (str): A name of ``VARIANTS``; it sets every axis that is
            not given explicitly. Default: 'dev' (the original data).
        path (str, optional): Path kind (``AXES['path']``).
        speed (float, optional): Vertical step scale, > 0.
        appearance (str, optional): Object look (``AXES['appearance']``).

    Returns:
        dict: The parameters (the variant's name and its resolved axes
        included) and the number of videos per split (also in
        ``meta.json``).
    """
    axes = resolve_variant(VARIANTS, variant, AXES, path=path, speed=speed,
                           appearance=appearance)
    check_positive('speed', axes['speed'])
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
    sizes = split_sizes(num_videos, val_ratio, test_ratio, 2)

    def render(rng, index, k):
        label = k % 2
        clip, _ = render_clip(rng, label, size=size, frames=frames,
                              majority_counts=majority_counts, **axes)
        return clip, label

    counts = write_labelled_splits(
        out_dir, seeded_samples(sizes, render, seed), CLASSES,
        write=lambda path, clip: write_video(path, clip, fps=fps),
        check=lambda path: check_decodes(path, frames, size))
    meta = dict(num_videos=num_videos, frames=frames, size=size, seed=seed,
                val_ratio=val_ratio, test_ratio=test_ratio,
                majority_counts=majority_counts, fps=fps,
                classes=list(CLASSES), counts=counts, variant=variant,
                variant_axes=axes)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta
