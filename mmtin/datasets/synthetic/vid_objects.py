# Copyright (c) OpenMMLab. All rights reserved.
"""A generated video object detection dataset in ImageNet VID's layout.

Built for the LSTS video detector: every snippet shows one to
``max_objects`` objects of ``CLASSES`` (the class is the shape; colours
and checker textures are random) moving over a smooth static background
along varied paths (``linear`` with bounces, ``circular``, ``zigzag``), with
per-frame boxes and track ids. Some frames are degraded, as the frames the
paper's keyframe memory is meant to help with: ``blur`` (every object is
averaged over ``blur_steps`` positions along its motion, ``blur_length``
times one frame's displacement) or ``occlusion`` (a background-coloured
bar covers 40-60 % of one object). Boxes always describe the whole object
at the frame's time.

Layout written by :func:`generate_vid_objects_dataset` (the dataset class
``ImageNetVIDDataset`` reads it as it reads ImageNet VID)::

    OUT_DIR/
        Data/VID/{train,val}/snippet_NNNNN/NNNNNN.png
        Annotations/VID/{train,val}/snippet_NNNNN/NNNNNN.xml
        ImageSets/VID/{train,val}.txt   # "snippet_NNNNN NUM_FRAMES" lines
        meta.json                       # parameters; written last
"""
import json
import os
import os.path as osp
import shutil

import cv2
import numpy as np

from ..vid_annotations import write_vid_xml
from .moving_object import _texture

CLASSES = ('square', 'disc', 'triangle', 'cross')
PATHS = ('linear', 'circular', 'zigzag')
GENERATOR = 'vid_objects'


def shape_mask(label: int, side: int) -> np.ndarray:
    """``bool [side, side]`` mask of class ``label``'s shape (filling its
    box: every shape touches all four sides)."""
    c = (side - 1) / 2
    yy, xx = np.mgrid[:side, :side].astype(float)
    if label == 0:
        return np.ones((side, side), bool)
    if label == 1:
        return (xx - c)**2 + (yy - c)**2 <= (c + 0.5)**2
    if label == 2:  # apex up, base at the bottom row
        return np.abs(xx - c) <= (yy + 1) / 2
    bar = side / 3
    return (np.abs(xx - c) <= bar / 2) | (np.abs(yy - c) <= bar / 2)


def object_path(rng, kind, frames, size, side, speed):
    """``[frames, 2]`` top-left corners of an object moving along a path of
    ``kind`` (kept inside the ``size x size`` frame)."""
    lo, hi = 0., float(size - side)
    t = np.arange(frames, dtype=float)
    if kind == 'circular':
        radius = rng.uniform(0.15, 0.3) * size
        centre = rng.uniform(lo + radius, hi - radius, 2) if hi - lo > \
            2 * radius else np.full(2, hi / 2)
        omega = speed / radius * rng.choice((-1, 1))
        phase = rng.uniform(0, 2 * np.pi)
        pos = centre + radius * np.stack(
            (np.cos(phase + omega * t), np.sin(phase + omega * t)), 1)
        return np.clip(pos, lo, hi)
    angle = rng.uniform(0, 2 * np.pi)
    vel = speed * np.array([np.cos(angle), np.sin(angle)])
    pos = np.empty((frames, 2))
    p = rng.uniform(lo, hi, 2)
    for i in range(frames):
        pos[i] = p
        p = p + vel
        for d in range(2):  # bounce off the borders
            if p[d] < lo or p[d] > hi:
                vel[d] = -vel[d]
                p[d] = min(max(2 * (lo if p[d] < lo else hi) - p[d], lo), hi)
    if kind == 'zigzag':
        normal = np.array([-np.sin(angle), np.cos(angle)])
        amp = rng.uniform(0.05, 0.1) * size
        pos = pos + amp * np.sin(t * rng.uniform(0.5, 1.0))[:, None] * normal
    return np.clip(pos, lo, hi)


def _paint(frame, mask, sprite, x, y):
    """Alpha-paint ``sprite`` where ``mask`` (``float`` coverage) at the
    real-valued top-left ``(x, y)`` (nearest pixel)."""
    side = mask.shape[0]
    x0, y0 = int(round(x)), int(round(y))
    region = frame[y0:y0 + side, x0:x0 + side]
    a = mask[:region.shape[0], :region.shape[1], None]
    region[:] = region * (1 - a) + sprite[:region.shape[0], :region.shape[1]
                                          ] * a


def render_snippet(rng, frames=16, size=64, max_objects=2, num_classes=4,
                   min_speed=1.0, max_speed=3.0, blur_prob=0.15,
                   occlusion_prob=0.15, blur_length=3.0, blur_steps=7):
    """Render one snippet.

    Returns:
        tuple: ``uint8 [frames, size, size, 3]`` RGB frames, ``float
        [frames, K, 4]`` boxes, ``[K]`` labels and ``frames`` degradation
        strings (``''``, ``'blur'`` or ``'occlusion'``).
    """
    bg = np.clip(_texture(rng, size, cells=3) * 0.5 + 0.25, 0, 1)
    k = int(rng.integers(1, max_objects + 1))
    labels = rng.integers(0, num_classes, k)
    sides = rng.integers(int(size * 0.2), int(size * 0.34) + 1, k)
    sprites, masks, paths = [], [], []
    for label, side in zip(labels, sides):
        light, dark = rng.uniform(0.75, 1.0, 3), rng.uniform(0.0, 0.25, 3)
        check = max(int(side) // 4, 1)
        yy, xx = np.mgrid[:side, :side]
        sprites.append(np.where(((yy // check + xx // check) % 2)[..., None]
                                == 1, light, dark))
        masks.append(shape_mask(int(label), int(side)).astype(float))
        speed = rng.uniform(min_speed, max_speed) * size / 64
        paths.append(object_path(rng, PATHS[rng.integers(len(PATHS))],
                                 frames + 1, size, int(side), speed))
    degradation = rng.choice(
        np.array(['', 'blur', 'occlusion']), frames,
        p=[1 - blur_prob - occlusion_prob, blur_prob, occlusion_prob])
    out = np.empty((frames, size, size, 3), np.uint8)
    boxes = np.empty((frames, k, 4))
    for t in range(frames):
        frame = bg.copy()
        for i in range(k):
            x, y = paths[i][t]
            boxes[t, i] = (round(x), round(y), round(x) + sides[i],
                           round(y) + sides[i])
            if degradation[t] == 'blur':
                step = (paths[i][t + 1] - paths[i][t]) * blur_length
                acc = np.zeros_like(frame)
                for s in np.linspace(-0.5, 0.5, blur_steps):
                    layer = frame.copy()
                    px, py = np.clip(paths[i][t] + s * step, 0,
                                     size - sides[i])
                    _paint(layer, masks[i], sprites[i], px, py)
                    acc += layer
                frame = acc / blur_steps
            else:
                _paint(frame, masks[i], sprites[i], x, y)
        if degradation[t] == 'occlusion':
            i = int(rng.integers(k))
            x0, y0, x1, y1 = boxes[t, i].astype(int)
            cover = int(round((x1 - x0) * rng.uniform(0.4, 0.6)))
            if rng.random() < 0.5:
                frame[y0:y1, x0:x0 + cover] = bg[y0:y1, x0:x0 + cover] * 0.6
            else:
                frame[y0:y1, x1 - cover:x1] = bg[y0:y1, x1 - cover:x1] * 0.6
        out[t] = np.rint(np.clip(frame, 0, 1) * 255)
    return out, boxes, labels, [str(d) for d in degradation]


#: what :func:`mmtin.study.ensure_data` writes into a folder before it
#: calls a generator (a folder holding only it counts as empty)
STUDY_MARKER = '.mmtin_study_data.json'


def _prepare_out_dir(out_dir, overwrite):
    if osp.isdir(out_dir) and set(os.listdir(out_dir)) - {STUDY_MARKER}:
        meta = osp.join(out_dir, 'meta.json')
        ours = False
        if osp.isfile(meta):
            with open(meta) as f:
                ours = json.load(f).get('generator') == GENERATOR
        if not (ours and overwrite):
            raise FileExistsError(
                f'{out_dir} is not empty' +
                (' (a generated VID dataset: pass overwrite=True to replace '
                 'it)' if ours else ' and was not written by '
                 'generate_vid_objects_dataset; choose an empty folder'))
        for sub in ('Data', 'Annotations', 'ImageSets', 'meta.json'):
            path = osp.join(out_dir, sub)
            if osp.isdir(path):
                shutil.rmtree(path)
            elif osp.exists(path):
                os.remove(path)
    os.makedirs(out_dir, exist_ok=True)


def check_speeds(min_speed: float, max_speed: float) -> None:
    """The one rule for object speeds: ``0 <= min_speed <= max_speed``.

    Raises:
        ValueError: Naming both values otherwise.
    """
    if not 0 <= min_speed <= max_speed:
        raise ValueError(f'object speeds need 0 <= min_speed <= max_speed, '
                         f'got min_speed={min_speed}, max_speed={max_speed}')


def generate_vid_objects_dataset(out_dir, num_videos=(48, 16), frames=16,
                                 size=64, num_classes=4, max_objects=2,
                                 seed=0, min_speed=1.0, max_speed=3.0,
                                 blur_prob=0.15, occlusion_prob=0.15,
                                 blur_length=3.0, overwrite=False):
    """Write the dataset to ``out_dir`` (see the module docstring).

    Args:
        out_dir (str): Output folder; must be empty or absent (or hold a
            dataset of this generator, with ``overwrite=True``).
        num_videos (tuple[int, int]): Snippets in ``train`` and ``val``.
            Default: (48, 16).
        frames (int): Frames per snippet. Default: 16.
        size (int): Frame height and width (>= 32). Default: 64.
        num_classes (int): Classes used, the first of ``CLASSES``.
            Default: 4.
        max_objects (int): Most objects per snippet. Default: 2.
        seed (int): Random seed; the output is a function of all
            arguments. Default: 0.
        min_speed (float): Slowest speed, pixels per frame at 64 px (scaled
            with ``size``). Default: 1.0.
        max_speed (float): Fastest speed. Default: 3.0.
        blur_prob (float): Probability that a frame is motion-blurred.
            Default: 0.15.
        occlusion_prob (float): Probability that a frame has an occluder.
            Default: 0.15.
        blur_length (float): Blur streak in frame displacements.
            Default: 3.0.
        overwrite (bool): Replace a dataset this function wrote before.
            Default: False.

    Returns:
        dict: The parameters and counts (also in ``meta.json``).
    """
    if size < 32:
        raise ValueError(f'size must be >= 32, got {size}')
    if frames < 1:
        raise ValueError(f'frames must be >= 1, got {frames}')
    if not 1 <= num_classes <= len(CLASSES):
        raise ValueError(f'num_classes must be in [1, {len(CLASSES)}], got '
                         f'{num_classes}')
    if blur_prob < 0 or occlusion_prob < 0 or blur_prob + occlusion_prob > 1:
        raise ValueError(f'blur_prob={blur_prob} and occlusion_prob='
                         f'{occlusion_prob} must be >= 0 with sum <= 1')
    check_speeds(min_speed, max_speed)
    _prepare_out_dir(out_dir, overwrite)
    counts, index = {}, 0
    for split, n in zip(('train', 'val'), num_videos):
        lines, degraded = [], 0
        for v in range(n):
            rng = np.random.default_rng([seed, index])
            index += 1
            clip, boxes, labels, degr = render_snippet(
                rng, frames, size, max_objects, num_classes, min_speed,
                max_speed, blur_prob, occlusion_prob, blur_length)
            snippet = f'snippet_{v:05d}'
            img_dir = osp.join(out_dir, 'Data', 'VID', split, snippet)
            ann_dir = osp.join(out_dir, 'Annotations', 'VID', split,
                               snippet)
            os.makedirs(img_dir)
            os.makedirs(ann_dir)
            for t in range(frames):
                name = f'{t:06d}'
                cv2.imwrite(osp.join(img_dir, name + '.png'),
                            clip[t][..., ::-1])
                write_vid_xml(osp.join(ann_dir, name + '.xml'),
                              f'{split}/{snippet}', name, size, size,
                              boxes[t], [CLASSES[c] for c in labels],
                              range(len(labels)), degr[t])
            degraded += sum(d != '' for d in degr)
            lines.append(f'{snippet} {frames}')
        os.makedirs(osp.join(out_dir, 'ImageSets', 'VID'), exist_ok=True)
        with open(osp.join(out_dir, 'ImageSets', 'VID', f'{split}.txt'),
                  'w') as f:
            f.write(''.join(line + '\n' for line in lines))
        counts[split] = dict(snippets=n, frames=n * frames,
                             degraded_frames=int(degraded))
    meta = dict(generator=GENERATOR, num_videos=list(num_videos),
                frames=frames, size=size, num_classes=num_classes,
                classes=list(CLASSES[:num_classes]),
                max_objects=max_objects, seed=seed, min_speed=min_speed,
                max_speed=max_speed, blur_prob=blur_prob,
                occlusion_prob=occlusion_prob, blur_length=blur_length,
                img_ext='.png', counts=counts)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta
