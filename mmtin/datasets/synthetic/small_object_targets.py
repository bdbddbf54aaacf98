# Copyright (c) OpenMMLab. All rights reserved.
"""Where the target of every small-object video is: the ``targets.json``
sidecar, and its recomputation from ``meta.json``.

:func:`~.small_object.generate_small_object_dataset` writes
``targets.json`` next to the videos (before ``meta.json``)::

    {"format": 1, "size": 96, "frames": 8, "object_size": 16,
     "corner": "top-left (x, y) in pixels of the target, ring included",
     "splits": {"test": {"videos/test/00000.mp4": [[x, y], ...], ...}}}

One ``[x, y]`` per frame of the file: the target occupies
``[x, x + object_size) x [y, y + object_size)``. Every sample of the
generator has its own random generator (``default_rng([seed, index])``,
:func:`~.labelled_splits.seeded_samples`), so a folder written before the
sidecar existed gets the same record from :func:`recompute_targets`, which
re-renders only the clips of the splits asked for; :func:`rendering_error`
checks that on the decoded files.
"""
import json
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np

from .small_object_sidecar import (FORMAT, TARGETS_FILE, split_starts,
                                   targets_record, write_targets)

__all__ = ['TARGETS_FILE', 'targets_record', 'write_targets',
           'recompute_clips', 'recompute_targets', 'load_targets',
           'rendering_error']

def _meta(data_root: str) -> dict:
    path = osp.join(data_root, 'meta.json')
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: not a generated '
                                'small-object folder')
    with open(path) as f:
        meta = json.load(f)
    if 'variant_axes' not in meta:
        raise ValueError(f'{path} records no variant_axes: written by an '
                         'older generator, its targets cannot be '
                         'recomputed')
    return meta


def recompute_clips(data_root: str, split: str,
                    numbers: Optional[Sequence[int]] = None):
    """Re-render clips of ``split`` from ``meta.json``.

    Args:
        data_root (str): A generated folder.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        numbers (Sequence[int], optional): File numbers; default all.

    Yields:
        tuple: ``(file number, uint8 clip [T, H, W, 3], label, corners
        [T, 2])``.
    """
    from .small_object import clip_renderer
    meta = _meta(data_root)
    start = split_starts(meta['counts'])[split]
    corners = {}
    render = clip_renderer(meta['size'], meta['frames'], meta['period'],
                           meta['variant_axes'], corners)
    if numbers is None:
        numbers = range(meta['counts'][split])
    for k in numbers:
        index = start + k
        clip, label = render(np.random.default_rng([meta['seed'], index]),
                             index, k)
        yield k, clip, label, corners.pop(index)


def recompute_targets(data_root: str,
                      splits: Sequence[str] = ('test', )) -> dict:
    """The ``targets.json`` record of a generated folder, recomputed from
    its ``meta.json`` (nothing is written)."""
    meta = _meta(data_root)
    starts = split_starts(meta['counts'])
    corners = {}
    for split in splits:
        for k, _, _, where in recompute_clips(data_root, split):
            corners[starts[split] + k] = where
    return targets_record(meta, corners, splits)


def load_targets(data_root: str, splits: Sequence[str] = ('test', )
                 ) -> dict:
    """``targets.json`` of ``data_root``, or (for folders generated without
    it) :func:`recompute_targets`; ``splits`` are the splits needed."""
    path = osp.join(data_root, TARGETS_FILE)
    if osp.isfile(path):
        with open(path) as f:
            record = json.load(f)
        if record.get('format') == FORMAT and all(
                s in record['splits'] for s in splits):
            return record
    return recompute_targets(data_root, splits)


def rendering_error(data_root: str, split: str = 'test',
                    numbers: Sequence[int] = (0, 1)) -> Dict[str, float]:
    """Pixel differences (0-255) between the decoded files and their
    re-rendered clips.

    When the recomputation reproduces the data they are the rounding of
    the RGB -> YUV 4:4:4 -> RGB conversion around the lossless H.264
    (``max`` a few levels, ``mean`` well below 1); a clip rendered from
    another sample differs by tens of levels on average.

    Args:
        data_root (str): A generated folder.
        split (str): The split. Default: 'test'.
        numbers (Sequence[int]): File numbers to compare. Default: (0, 1).

    Returns:
        dict: ``max`` and ``mean`` absolute difference over the clips.
    """
    import av  # PyAV, as the generator writes with it
    worst, total, count = 0.0, 0.0, 0
    for k, clip, _, _ in recompute_clips(data_root, split, numbers):
        path = osp.join(data_root, 'videos', split, f'{k:05d}.mp4')
        with av.open(path) as container:
            frames = np.stack([f.to_ndarray(format='rgb24')
                               for f in container.decode(video=0)])
        if frames.shape != clip.shape:
            raise ValueError(f'{path}: decoded {frames.shape}, re-rendered '
                             f'{clip.shape}')
        diff = np.abs(frames.astype(int) - clip.astype(int))
        worst = max(worst, float(diff.max()))
        total, count = total + float(diff.sum()), count + diff.size
    return dict(max=worst, mean=total / max(count, 1))
