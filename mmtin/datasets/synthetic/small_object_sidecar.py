# Copyright (c) OpenMMLab. All rights reserved.
"""The ``targets.json`` sidecar of the small-object data: its content and
writer (the generator's side; reading and recomputing it is
:mod:`.small_object_targets`)."""
import json
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np

from .labelled_splits import SPLITS

TARGETS_FILE = 'targets.json'
FORMAT = 1


def split_starts(counts: Dict[str, int]) -> Dict[str, int]:
    """Index of the first sample of each split (splits run in
    :data:`SPLITS` order, one counter over all of them)."""
    starts, start = {}, 0
    for split in SPLITS:
        starts[split] = start
        start += counts[split]
    return starts


def targets_record(meta: dict, corners: Dict[int, np.ndarray],
                   splits: Optional[Sequence[str]] = None) -> dict:
    """The ``targets.json`` content.

    Args:
        meta (dict): The data set's ``meta.json`` (``counts``, ``size``,
            ``frames``, ``object_size``).
        corners (dict): Sample index (over all splits) -> ``[frames, 2]``
            top-left corners ``(x, y)``.
        splits (Sequence[str], optional): Splits to record. Default: all.
    """
    starts = split_starts(meta['counts'])
    out = {}
    for split in splits or SPLITS:
        out[split] = {
            f'videos/{split}/{k:05d}.mp4':
            np.asarray(corners[starts[split] + k]).astype(int).tolist()
            for k in range(meta['counts'][split])
        }
    return dict(format=FORMAT, size=meta['size'], frames=meta['frames'],
                object_size=meta['object_size'],
                corner='top-left (x, y) in pixels of the target, ring '
                'included', splits=out)


def write_targets(out_dir: str, record: dict) -> str:
    """Write ``record`` to ``OUT_DIR/targets.json``; return the path."""
    path = osp.join(out_dir, TARGETS_FILE)
    with open(path, 'w') as f:
        json.dump(record, f)
    return path
