# Copyright (c) OpenMMLab. All rights reserved.
"""The targets.json sidecar of the small-object data and its
recomputation from meta.json, on a tiny generated folder."""
import json
import os

import numpy as np

from mmtin.datasets.synthetic.small_object import \
    generate_small_object_dataset
from mmtin.datasets.synthetic.small_object_parts import BORDER_RGB
from mmtin.datasets.synthetic.small_object_targets import (
    TARGETS_FILE, load_targets, recompute_clips, recompute_targets,
    rendering_error)


def test_sidecar_round_trip(tmp_path):
    root = str(tmp_path)
    meta = generate_small_object_dataset(
        root, num_videos=8, frames=4, size=64, val_ratio=0.25,
        test_ratio=0.25, variant='glyphs_border', object_size=12)
    with open(os.path.join(root, TARGETS_FILE)) as f:
        written = json.load(f)
    assert written['object_size'] == 12 and written['size'] == 64
    assert sorted(written['splits']['test']) == [
        'videos/test/00000.mp4', 'videos/test/00001.mp4']
    assert all(len(v) == 4 for v in written['splits']['train'].values())
    # recomputed from meta.json alone: the same record
    splits = ('train', 'val', 'test')
    assert recompute_targets(root, splits) == written
    os.remove(os.path.join(root, TARGETS_FILE))  # an older folder
    assert load_targets(root, splits) == written
    assert not os.path.exists(os.path.join(root, TARGETS_FILE))
    # the re-rendered clips are the files (up to the RGB <-> YUV rounding)
    err = rendering_error(root, 'test', (0, 1))
    assert err['max'] <= 3 and err['mean'] < 1
    # ... and the recorded corner is the target's (its green border)
    (k, clip, label, corners), = recompute_clips(root, 'val', [1])
    assert corners.tolist() == written['splits']['val'][
        'videos/val/00001.mp4']
    assert label == (meta['counts']['train'] + 1) % 4
    for frame, (x, y) in zip(clip, corners):
        np.testing.assert_allclose(frame[y, x] / 255, BORDER_RGB, atol=0.01)
        np.testing.assert_allclose(frame[y + 11, x + 11] / 255, BORDER_RGB,
                                   atol=0.01)
    # a clip of another sample does not pass the check
    (_, other, _, _), = recompute_clips(root, 'test', [1])
    (_, mine, _, _), = recompute_clips(root, 'test', [0])
    assert np.abs(other.astype(int) - mine.astype(int)).mean() > 5
