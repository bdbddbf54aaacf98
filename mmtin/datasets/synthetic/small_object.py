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

That is the ``dev`` variant. **Axes of variation** (keyword arguments of
:func:`render_clip` and :func:`generate_small_object_dataset`; ``AXES``):

* ``target``: the texture family (class names per family in ``TARGETS``).
  ``'stripes'`` as above; ``'glyphs'`` (plus, cross, T, L: 5 cells of a
  3 x 3 grid), ``'dots'`` (a fine dot grid, one 2 x 2 blob, horizontal or
  vertical dot pairs) and ``'shapes'`` (O, T, S, L tetrominoes) repeat one
  ``period x period`` tile per class (``period >= 4``). Every class of a
  family darkens the same number of pixels per tile, so the box filter
  flattens all four to one grey, and no class is a shift of another.
* ``cue``: what marks the target at glance resolution. ``'ring'``
  (red/blue ring: position and pair), ``'border'`` (a green ring, the same
  for every class: position only), ``'brightness'`` (a white ring for
  classes 0/1, black for 2/3; the clutter's contrast is cut to a third so
  the ring is the one extreme grey), ``'motion'`` (a mid-grey ring: only
  the target's motion against the static background shows it; it moves
  at least ``object_size / 2`` pixels per axis).
* ``clutter``: the static background, always muted (values in
  [0.1, 0.95], channels within 0.2): ``'discs'`` as above,
  ``'rectangles'``, ``'gradients'`` (sums of random cosine ramps),
  ``'blurred_noise'`` (Gaussian-blurred white noise), ``'texture'``
  (1/f noise, cloud-like).
* ``motion``: ``'straight'``, ``'curved'`` (a quadratic Bezier bent
  sideways) or ``'bouncing'`` (a longer straight run reflected at the
  frame's edges).
* ``object_size``: side of the target in pixels.

**Named variants** (``VARIANTS``; ``variant=NAME``, explicit axes
override the variant's; ``meta.json`` records ``variant`` and the resolved
``variant_axes``): ``dev`` (stripes, ring, discs, straight, 16) is the
development data; held out are ``glyphs_border`` (glyphs, border,
rectangles, curved, 20), ``dots_brightness`` (dots, brightness,
blurred_noise, bouncing, 16), ``shapes_motion`` (shapes, motion, texture,
curved, 24) and ``glyphs_gradients`` (glyphs, ring, gradients, bouncing,
12). ``tools/data/show_variants.py`` draws them
(``docs/small_object_variants.png``).

Layout written by :func:`generate_small_object_dataset`::

    OUT_DIR/
        videos/{train,val,test}/NNNNN.mp4
        train.txt, val.txt, test.txt   # "videos/train/00000.mp4 2" lines
        label_map.txt                  # one class name per line
        targets.json                   # the target's box per frame
        meta.json                      # parameters; written last

``targets.json`` (:mod:`.small_object_targets`) is a sidecar: the other
files are byte for byte what they were before it existed, and
:func:`~.small_object_targets.load_targets` recomputes it from
``meta.json`` for folders generated without it.
"""
import json
import os.path as osp

import numpy as np

from .labelled_splits import (check_decodes, seeded_samples, split_sizes,
                              write_labelled_splits, write_video)
from .small_object_parts import (BORDER_RGB, BRIGHTNESS, CLUTTERS, CUES,
                                 MOTION_GREY, MOTIONS, RING_RGB, TARGETS,
                                 min_period, render_clutter, render_path,
                                 render_texture)
from .small_object_sidecar import targets_record, write_targets
from .variants import check_choice, resolve_variant

CLASSES = TARGETS['stripes']
#: Axes of variation (None: numeric).
AXES = dict(target=tuple(TARGETS), cue=CUES, clutter=CLUTTERS,
            motion=MOTIONS, object_size=None)
#: Named variants: ``dev`` is the original data; the others are held out.
VARIANTS = {
    'dev': dict(target='stripes', cue='ring', clutter='discs',
                motion='straight', object_size=16),
    'glyphs_border': dict(target='glyphs', cue='border',
                          clutter='rectangles', motion='curved',
                          object_size=20),
    'dots_brightness': dict(target='dots', cue='brightness',
                            clutter='blurred_noise', motion='bouncing',
                            object_size=16),
    'shapes_motion': dict(target='shapes', cue='motion', clutter='texture',
                          motion='curved', object_size=24),
    'glyphs_gradients': dict(target='glyphs', cue='ring',
                             clutter='gradients', motion='bouncing',
                             object_size=12),
}

__all__ = ['AXES', 'CLASSES', 'RING_RGB', 'VARIANTS', 'render_clip',
           'clip_renderer',
           'generate_small_object_dataset']


def render_clip(rng, label, size=96, frames=8, object_size=16, period=4,
                ring=2, num_discs=8, max_shift=0.25, target='stripes',
                cue='ring', clutter='discs', motion='straight'):
    """Render one clip of class ``label``.

    Args:
        rng (numpy.random.Generator): Source of randomness.
        label (int): Class index (texture), in ``[0, 4)``.
        size (int): Frame height and width in pixels. Default: 96.
        frames (int): Number of frames. Default: 8.
        object_size (int): Side of the target, ring included. Default: 16.
        period (int): Texture period in pixels. Default: 4.
        ring (int): Width of the ring (the cue band) in pixels. Default: 2.
        num_discs (int): Discs (or rectangles) of the clutter. Default: 8.
        max_shift (float): Largest displacement of the target over the
            clip, as a fraction of ``size``. Default: 0.25.
        target (str): Texture family, one of ``TARGETS``.
            Default: 'stripes'.
        cue (str): Glance cue, one of ``CUES``. Default: 'ring'.
        clutter (str): Background kind, one of ``CLUTTERS``.
            Default: 'discs'.
        motion (str): Path of the target, one of ``MOTIONS``.
            Default: 'straight'.

    Returns:
        tuple[numpy.ndarray, numpy.ndarray]: ``uint8`` frames
        ``[frames, size, size, 3]`` and the target's top-left corners
        ``[frames, 2]`` as ``(x, y)``.
    """
    for name, value in (('target', target), ('cue', cue),
                        ('clutter', clutter), ('motion', motion)):
        check_choice(name, value, AXES[name])
    frame = render_clutter(clutter, rng, size, num_discs)
    if cue == 'brightness':  # a third of the contrast: the ring is the
        frame = 0.5 + (frame - 0.5) / 3  # one extreme grey
    side = object_size
    corners = render_path(motion, rng, frames, size - side, size,
                          max_shift,
                          min_shift=side / 2 if cue == 'motion' else 0.0)
    inner = side - 2 * ring
    tex = render_texture(target, label, inner, period,
                         rng.integers(0, period, 2))
    target_img = np.empty((side, side, 3))
    target_img[:] = dict(ring=RING_RGB[label // 2], border=BORDER_RGB,
                         brightness=BRIGHTNESS[label // 2],
                         motion=MOTION_GREY)[cue]
    target_img[ring:ring + inner, ring:ring + inner] = tex[..., None]
    out = np.empty((frames, size, size, 3), np.uint8)
    for i, (x, y) in enumerate(corners):
        img = frame.copy()
        img[y:y + side, x:x + side] = target_img
        out[i] = np.rint(img * 255)
    return out, corners


def clip_renderer(size, frames, period, axes, corners=None):
    """``render(rng, index, k) -> (clip, label)`` of the generator, for
    :func:`~.labelled_splits.seeded_samples`: the one place that turns a
    sample's generator into its clip, shared by the generator and by
    :func:`~.small_object_targets.recompute_targets`.

    Args:
        size, frames, period (int): As :func:`render_clip`.
        axes (dict): The resolved axes (``variant_axes`` of ``meta.json``).
        corners (dict, optional): Filled with ``index -> [frames, 2]``
            top-left corners ``(x, y)`` of the target. Default: None.
    """
    classes = TARGETS[axes['target']]

    def render(rng, index, k):
        label = index % len(classes)
        clip, where = render_clip(rng, label, size=size, frames=frames,
                                  period=period, **axes)
        if corners is not None:
            corners[index] = where
        return clip, label

    return render


def generate_small_object_dataset(out_dir,
                                  num_videos=960,
                                  frames=8,
                                  size=96,
                                  object_size=None,
                                  period=4,
                                  seed=0,
                                  val_ratio=0.125,
                                  test_ratio=0.25,
                                  fps=8,
                                  variant='dev',
                                  target=None,
                                  cue=None,
                                  clutter=None,
                                  motion=None):
    """Write the small-object dataset to ``out_dir``.

    Args:
        out_dir (str): Output folder (created if needed).
        num_videos (int): Total number of videos (classes balanced by
            cycling). Default: 960.
        frames (int): Frames per video. Default: 8.
        size (int): Frame height and width, even, one that decord reads
            (not 16, 24, 48 or 72). Default: 96.
        object_size (int, optional): Side of the target in pixels, in
            ``[4 + 2 * period, size // 2]``; None: the variant's (16 for
            ``dev``). Default: None.
        period (int): Texture period; the glance downsample factor that
            hides the class (>= 4 for targets other than stripes).
            Default: 4.
        seed (int): Random seed; the output is a function of all arguments.
            Default: 0.
        val_ratio (float): Fraction of videos in ``val.txt``.
            Default: 0.125.
        test_ratio (float): Fraction of videos in ``test.txt``.
            Default: 0.25.
        fps (int): Frame rate written into the files. Default: 8.
        variant (str): A name of ``VARIANTS``; it sets every axis that is
            not given explicitly. Default: 'dev' (the original data).
        target (str, optional): Texture family (``AXES['target']``).
        cue (str, optional): Glance cue (``AXES['cue']``).
        clutter (str, optional): Background kind (``AXES['clutter']``).
        motion (str, optional): Path kind (``AXES['motion']``).

    Returns:
        dict: The parameters (the variant's name and its resolved axes
        included) and the number of videos of each split (also written to
        ``meta.json``).
    """
    axes = resolve_variant(VARIANTS, variant, AXES, target=target, cue=cue,
                           clutter=clutter, motion=motion,
                           object_size=object_size)
    object_size = axes['object_size']
    if size < 32 or size % 2:
        raise ValueError(f'size must be an even number >= 32, got {size}')
    if period < min_period(axes['target']):
        raise ValueError(
            f'period must be >= {min_period(axes["target"])} for '
            f'target={axes["target"]!r}, got {period}')
    if not 4 + 2 * period <= object_size <= size // 2:
        raise ValueError(
            f'object_size must be in [{4 + 2 * period}, {size // 2}] for '
            f'size={size}, period={period}, got {object_size}')
    if frames < 1:
        raise ValueError(f'frames must be >= 1, got {frames}')
    sizes = split_sizes(num_videos, val_ratio, test_ratio)
    classes = TARGETS[axes['target']]
    corners = {}
    render = clip_renderer(size, frames, period, axes, corners)
    counts = write_labelled_splits(
        out_dir, seeded_samples(sizes, render, seed), classes,
        write=lambda path, clip: write_video(path, clip, fps=fps),
        check=lambda path: check_decodes(path, frames, size))
    meta = dict(
        num_videos=num_videos, frames=frames, size=size,
        object_size=object_size, period=period, seed=seed,
        val_ratio=val_ratio, test_ratio=test_ratio, fps=fps,
        object_area_percent=round(100 * object_size**2 / size**2, 2),
        classes=list(classes), counts=counts, variant=variant,
        variant_axes=axes)
    write_targets(out_dir, targets_record(meta, corners))
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta
