# Copyright (c) OpenMMLab. All rights reserved.
"""The moving-object generator: files, balance, and labels that match where
the object is in the decoded frames."""
import json

import decord
import numpy as np
import pytest

from mmtin.datasets.synthetic.moving_object import (
    generate_moving_object_dataset, render_clip)


def _object_x(frame):
    """Mean column of the object's dark checker cells: the background lies
    in [0.25, 0.75] (x 255), the dark cells below 0.2."""
    dark = frame.max(axis=-1) < 0.22 * 255
    assert dark.any(), 'object not found'
    return np.nonzero(dark)[1].mean()


def test_generated_labels_match_the_decoded_object(tmp_path):
    meta = generate_moving_object_dataset(str(tmp_path), num_videos=16,
                                          size=32, seed=3)
    assert meta['counts'] == dict(train=10, val=2, test=4)
    assert json.loads((tmp_path / 'meta.json').read_text()) == meta
    lines = (tmp_path / 'train.txt').read_text().split('\n')[:-1]
    labels = [int(line.split()[1]) for line in lines]
    assert labels.count(0) == labels.count(1) == 5
    for line in lines:
        rel, label = line.split()
        reader = decord.VideoReader(str(tmp_path / rel))
        frames = reader.get_batch(list(range(len(reader)))).asnumpy()
        assert frames.shape == (8, 32, 32, 3)
        right = [_object_x(f) > 16 for f in frames]
        assert sum(right) in ((5, 6) if label == '1' else (2, 3))


def test_render_clip_majority_and_motion():
    rng = np.random.default_rng(0)
    for label in (0, 1, 1, 0):
        clip, centres = render_clip(rng, label, size=32, frames=8)
        right = centres[:, 0] > 16
        assert right.sum() in ((5, 6) if label else (2, 3))
        # never on the midline: object (5 px) fully inside one half
        assert (np.abs(centres[:, 0] - 16) >= 3).all()


def test_bad_arguments():
    with pytest.raises(ValueError, match='majority_counts'):
        generate_moving_object_dataset('/nonexistent', majority_counts=(4, ))
    with pytest.raises(ValueError, match='size'):
        generate_moving_object_dataset('/nonexistent', size=30)
