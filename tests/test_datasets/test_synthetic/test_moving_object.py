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


# --------------------------------------------------------------------------
# Axes of variation and named variants (#24 item 1)
# --------------------------------------------------------------------------
from mmtin.datasets.synthetic.moving_object import AXES, VARIANTS  # noqa

# sha256 (first 16 hex digits) of render_clip's (frames, centres) bytes for
# sample i = 0..3 (label i % 2, rng default_rng([0, i]), other arguments
# default), computed with the code of commit f07df77, before the axes
# existed: the defaults must reproduce them byte for byte.
ORIGINAL_HASHES = ('a00fcbc4748c389d', '60f4c71a003afc93', '1342854efd8e6732',
                   '81c34fe7ca6808eb')


def _sha(*arrays):
    import hashlib
    digest = hashlib.sha256()
    for a in arrays:
        digest.update(np.ascontiguousarray(a).tobytes())
    return digest.hexdigest()[:16]


@pytest.mark.parametrize('axes', [{}, VARIANTS['dev']])
def test_defaults_reproduce_the_original_frames(axes):
    got = tuple(
        _sha(*render_clip(np.random.default_rng([0, i]), i % 2, **axes))
        for i in range(4))
    assert got == ORIGINAL_HASHES


def test_registry_has_dev_and_held_out_variants_on_several_axes():
    assert 'dev' in VARIANTS and len(VARIANTS) >= 4
    for name, axes in VARIANTS.items():
        assert set(axes) == set(AXES), name
        if name != 'dev':
            differ = [a for a in AXES if axes[a] != VARIANTS['dev'][a]]
            assert len(differ) >= 2, (name, differ)


def _boxes(centres, side, size):
    masks = np.zeros((len(centres), size, size), bool)
    for t, (cx, cy) in enumerate(centres):
        x0, y0 = int(round(cx - side / 2)), int(round(cy - side / 2))
        masks[t, y0:y0 + side, x0:x0 + side] = True
    return masks


@pytest.mark.parametrize('path', AXES['path'])
@pytest.mark.parametrize('appearance', AXES['appearance'])
@pytest.mark.parametrize('speed', [0.5, 2.0])
def test_every_variant_keeps_the_propagation_task(path, appearance, speed):
    """For every path, look and speed: the class is the majority half, the
    object never touches the midline, the frames differ only where the
    object is, and it is visible (its box differs from the background)."""
    size, side = 32, 32 // 6
    for seed in range(4):
        label = seed % 2
        clip, centres = render_clip(np.random.default_rng(seed), label,
                                    size=size, path=path, speed=speed,
                                    appearance=appearance)
        right = centres[:, 0] > size / 2
        assert right.sum() in ((5, 6) if label else (2, 3))
        assert (np.abs(centres[:, 0] - size / 2) >= side / 2).all()
        boxes = _boxes(centres, side, size)
        for t in range(1, len(clip)):
            diff = (clip[t] != clip[0]).any(-1)
            assert not diff[~(boxes[t] | boxes[0])].any(), (seed, t)
        # the object changes place: the box of some frame holds pixels
        # that differ from the same place in a frame with the object
        # elsewhere (a visible object; the side switches at least once)
        t0, t1 = np.argmax(right), np.argmin(right)
        assert (clip[t0][boxes[t0]] != clip[t1][boxes[t0]]).any()
    # the path's pace follows speed: larger mean vertical step when faster
    steps = {}
    for s in (0.5, 2.0):
        ys = [render_clip(np.random.default_rng(seed), 0, size=64, path=path,
                          speed=s, appearance=appearance)[1][:, 1]
              for seed in range(6)]
        steps[s] = np.mean([np.abs(np.diff(y)).mean() for y in ys])
    assert steps[2.0] > steps[0.5]


def test_variant_in_meta_and_explicit_axes_override(tmp_path):
    meta = generate_moving_object_dataset(
        str(tmp_path), num_videos=16, frames=4, size=32,
        majority_counts=(3, 4), variant='orbit_disc', speed=1.0)
    expected = dict(VARIANTS['orbit_disc'], speed=1.0)
    assert meta['variant'] == 'orbit_disc'
    assert meta['variant_axes'] == expected
    assert json.loads((tmp_path / 'meta.json').read_text()) == meta


@pytest.mark.parametrize('kwargs, name', [
    (dict(variant='nope'), 'variant'),
    (dict(path='teleport'), 'path'),
    (dict(appearance='plaid'), 'appearance'),
    (dict(speed=0), 'speed'),
])
def test_bad_axis_values_are_named(tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=name):
        generate_moving_object_dataset(str(tmp_path), **kwargs)
    assert not (tmp_path / 'meta.json').exists()


@pytest.mark.parametrize('name', list(VARIANTS))
def test_each_variant_is_reproducible_from_its_seed(name):
    def draw(seed):
        return render_clip(np.random.default_rng(seed), 1, size=32,
                    **VARIANTS[name])[0]
    assert np.array_equal(draw(3), draw(3))
    assert not np.array_equal(draw(3), draw(4))
