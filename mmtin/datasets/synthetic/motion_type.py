# Copyright (c) OpenMMLab. All rights reserved.
"""A synthetic dataset whose class is how one object moves.

Built for the CVRL linear-evaluation evidence: every video shows one
checked object (square, disc, triangle or cross, random colours; the
shapes of :mod:`.vid_objects`) over a smooth textured background, and the
class is its motion, the same in every frame of the video:

* 0 ``static``: the object stays where it is;
* 1 ``linear``: a straight run at constant speed, reflected at the frame's
  edges;
* 2 ``circular``: a circle at constant angular speed.

Shape, colours, size, background, start and speed are drawn independently
of the class, so no single frame tells the classes apart: a still frame
of a moving object looks like a frame of a static one. Two clips of one
video share the class (unlike temporal order, which a clip-invariance
objective discards), and it is exactly what per-frame (temporally
inconsistent) augmentation destroys: independent crops per frame move
every object, static ones included.

``scene`` (``SCENES``): ``'textured'`` (the default: a random texture and
object colours per video) or ``'plain'`` (mid-grey background, black and
white object: nothing but the object's shape, size, place and motion tells
one video from another, so instance discrimination between videos cannot
match two clips on a per-video texture).

``appearance`` (``APPEARANCES``): ``'random'`` (the default: every video
draws the object's shape and size, and in the textured scene its colours)
or ``'fixed'`` (every video shows the same object, a checked disc of a
quarter of the frame's side, colours fixed too: with the plain scene
nothing but the object's start and motion, type, direction, speed and
radius, tells one video from another, so two clips of a video can only be
matched by where and how the object moves, and not by what it looks
like). The random draws are the same for both values, so video ``i`` of
a ``'fixed'`` dataset moves as video ``i`` of the ``'random'`` one with
the same arguments (the path's room, ``size - side``, aside).

Layout (as the demo dataset)::

    OUT_DIR/
        videos/{train,val,test}/NNNNN.mp4
        train.txt, val.txt, test.txt   # "videos/train/00000.mp4 2" lines
        label_map.txt
        meta.json                      # written last
"""
import json
import os.path as osp

import numpy as np

from .labelled_splits import (check_decodes, seeded_samples, split_sizes,
                              write_labelled_splits, write_video)
from .moving_object import _texture
from .variants import check_choice
from .vid_objects import object_path, shape_mask

CLASSES = ('static', 'linear', 'circular')
#: ``textured``: a smooth random texture per video and a checked object in
#: random colours (every video looks different); ``plain``: a mid-grey
#: background and a black-and-white checked object, so that videos differ
#: only in the object's shape, size, place and motion.
SCENES = ('textured', 'plain')
#: ``random``: shape, size (and, textured, colours) drawn per video;
#: ``fixed``: one object for every video (:data:`FIXED_OBJECT`).
APPEARANCES = ('random', 'fixed')
#: The object of ``appearance='fixed'``: shape index of
#: :func:`.vid_objects.shape_mask` (1: disc), side as a fraction of the
#: frame's side, light and dark check colours (RGB in [0, 1]).
FIXED_OBJECT = dict(shape=1, side=0.25, light=(1., 1., 1.),
                    dark=(0., 0., 0.))


def render_clip(rng, label, size=64, frames=16, speed=(1.5, 3.0),
                scene='textured', appearance='random'):
    """Render one clip of class ``label``.

    Args:
        rng (numpy.random.Generator): Source of randomness.
        label (int): Index into ``CLASSES``.
        size (int): Frame height and width. Default: 64.
        frames (int): Number of frames. Default: 16.
        speed (tuple[float, float]): Range of the object's speed in pixels
            per frame at ``size`` 64 (scaled with ``size``; unused by
            ``static``). Default: (1.5, 3.0).
        scene (str): One of ``SCENES``. Default: 'textured'.
        appearance (str): One of ``APPEARANCES``. Default: 'random'.

    Returns:
        tuple[numpy.ndarray, numpy.ndarray]: ``uint8 [frames, size, size,
        3]`` frames and the ``[frames, 2]`` top-left corners of the object.
    """
    if not 0 <= label < len(CLASSES):
        raise ValueError(f'label must be in [0, {len(CLASSES)}), got '
                         f'{label}')
    check_choice('scene', scene, SCENES)
    check_choice('appearance', appearance, APPEARANCES)
    if scene == 'plain':
        bg = np.full((size, size, 3), 0.5)
        light, dark = np.ones(3), np.zeros(3)
    else:
        bg = np.clip(_texture(rng, size, cells=3) * 0.5 + 0.25, 0, 1)
        light, dark = rng.uniform(0.75, 1.0, 3), rng.uniform(0.0, 0.25, 3)
    side = int(rng.integers(int(size * 0.2), int(size * 0.3) + 1))
    shape = int(rng.integers(4))
    if appearance == 'fixed':  # drawn above all the same: one rng stream
        side = int(round(size * FIXED_OBJECT['side']))
        shape = FIXED_OBJECT['shape']
        light = np.array(FIXED_OBJECT['light'])
        dark = np.array(FIXED_OBJECT['dark'])
    check = max(side // 4, 1)
    yy, xx = np.mgrid[:side, :side]
    sprite = np.where(((yy // check + xx // check) % 2)[..., None] == 1,
                      light, dark)
    mask = shape_mask(shape, side)
    v = rng.uniform(*speed) * size / 64
    if CLASSES[label] == 'static':
        corners = np.repeat(rng.uniform(0, size - side, (1, 2)), frames, 0)
    else:
        corners = object_path(rng, CLASSES[label], frames, size, side, v)
    out = np.empty((frames, size, size, 3), np.uint8)
    for t in range(frames):
        frame = bg.copy()
        x0, y0 = (int(round(c)) for c in corners[t])
        patch = frame[y0:y0 + side, x0:x0 + side]
        patch[mask] = sprite[mask]
        out[t] = np.rint(frame * 255)
    return out, corners


def generate_motion_type_dataset(out_dir,
                                 num_videos=480,
                                 frames=16,
                                 size=64,
                                 seed=0,
                                 val_ratio=0.15,
                                 test_ratio=0.25,
                                 speed=(1.5, 3.0),
                                 scene='textured',
                                 appearance='random',
                                 fps=8):
    """Write the motion-type dataset to ``out_dir``.

    Args:
        out_dir (str): Output folder (created if needed).
        num_videos (int): Total number of videos (classes take turns, so
            each split is balanced to within one video). Default: 480.
        frames (int): Frames per video. Default: 16.
        size (int): Frame height and width, even, >= 32. Default: 64.
        seed (int): Random seed; the output is a function of all arguments.
            Default: 0.
        val_ratio (float): Fraction of videos in ``val.txt``. Default: 0.15.
        test_ratio (float): Fraction of videos in ``test.txt``.
            Default: 0.25.
        speed (Sequence[float]): See :func:`render_clip`.
            Default: (1.5, 3.0).
        scene (str): One of ``SCENES`` (see there). Default: 'textured'.
        appearance (str): One of ``APPEARANCES`` (see there).
            Default: 'random'.
        fps (int): Frame rate written into the files. Default: 8.

    Returns:
        dict: The parameters and the number of videos per split (also in
        ``meta.json``).
    """
    if size < 32 or size % 2:
        raise ValueError(f'size must be an even number >= 32, got {size}')
    if frames < 2:
        raise ValueError(f'frames must be >= 2, got {frames}')
    check_choice('scene', scene, SCENES)
    check_choice('appearance', appearance, APPEARANCES)
    speed = [float(s) for s in speed]
    if len(speed) != 2 or not 0 < speed[0] <= speed[1]:
        raise ValueError(f'speed must be (low, high) with 0 < low <= high, '
                         f'got {speed}')
    sizes = split_sizes(num_videos, val_ratio, test_ratio, len(CLASSES))

    def render(rng, index, k):
        label = k % len(CLASSES)
        clip, _ = render_clip(rng, label, size=size, frames=frames,
                              speed=speed, scene=scene,
                              appearance=appearance)
        return clip, label

    counts = write_labelled_splits(
        out_dir, seeded_samples(sizes, render, seed), CLASSES,
        write=lambda path, clip: write_video(path, clip, fps=fps),
        check=lambda path: check_decodes(path, frames, size))
    meta = dict(num_videos=num_videos, frames=frames, size=size, seed=seed,
                val_ratio=val_ratio, test_ratio=test_ratio, speed=speed,
                scene=scene, appearance=appearance, fps=fps,
                classes=list(CLASSES), counts=counts)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta
