# Copyright (c) OpenMMLab. All rights reserved.
"""The motion-type generator: files, balance, and labels that match how the
object moves in the decoded frames."""
import json

import decord
import numpy as np
import pytest

from mmtin.datasets.synthetic.motion_type import (
    CLASSES, FIXED_OBJECT, generate_motion_type_dataset, render_clip)


def test_render_clip_motion_per_class():
    rng = np.random.default_rng(0)
    for label in (0, 1, 2, 0, 1, 2):
        clip, corners = render_clip(rng, label, size=64, frames=16)
        assert clip.shape == (16, 64, 64, 3) and clip.dtype == np.uint8
        steps = np.linalg.norm(np.diff(corners, axis=0), axis=1)
        if CLASSES[label] == 'static':
            assert (steps == 0).all()
            assert (clip == clip[0]).all()
        else:
            assert steps.mean() > 1.0  # 1.5-3 px a frame (clipped at edges)
            assert not (clip == clip[0]).all()
        if CLASSES[label] == 'circular':  # turns: both axes move
            assert np.ptp(corners, 0).min() > 2.0


def test_generated_splits_and_decoded_motion(tmp_path):
    meta = generate_motion_type_dataset(str(tmp_path), num_videos=24,
                                        size=32, frames=8, seed=3)
    assert meta['counts'] == dict(train=14, val=4, test=6)
    assert json.loads((tmp_path / 'meta.json').read_text()) == meta
    assert (tmp_path / 'label_map.txt').read_text().split() == list(CLASSES)
    lines = (tmp_path / 'train.txt').read_text().split('\n')[:-1]
    labels = [int(line.split()[1]) for line in lines]
    assert sorted(labels.count(k) for k in range(3)) == [4, 5, 5]
    for line in lines:
        rel, label = line.split()
        reader = decord.VideoReader(str(tmp_path / rel))
        frames = reader.get_batch(list(range(len(reader)))).asnumpy()
        assert frames.shape == (8, 32, 32, 3)
        moved = np.abs(frames.astype(int) - frames[0]).max()
        assert (moved == 0) == (label == '0')  # lossless: static is still


def test_plain_scene_is_grey_with_a_black_and_white_object():
    rng = np.random.default_rng(1)
    for label in range(3):
        clip, corners = render_clip(rng, label, size=64, frames=4,
                                    scene='plain')
        values = set(np.unique(clip).tolist())
        assert values == {0, 128, 255}, values  # grey, black, white only
        x0, y0 = (int(round(c)) for c in corners[0])
        assert (clip[0, :, :max(x0 - 1, 1)] == 128).all() or x0 < 2


def random_side(seed):
    """The object side ``render_clip`` draws first at ``size`` 64."""
    return int(np.random.default_rng(seed).integers(12, 20))


def test_fixed_appearance_one_object_same_motion():
    # every video shows the same object; the motion draws are those of
    # the random appearance
    first = None
    for seed in range(6):
        label = seed % 3
        fixed, path = render_clip(np.random.default_rng(seed), label,
                                  frames=4, scene='plain',
                                  appearance='fixed')
        _, random_path = render_clip(np.random.default_rng(seed), label,
                                     frames=4, scene='plain')
        x0, y0 = (int(round(c)) for c in path[0])
        side = int(64 * FIXED_OBJECT['side'])
        sprite = fixed[0, y0:y0 + side, x0:x0 + side]
        assert (fixed[0] != 128).sum() == (sprite != 128).sum()  # all in
        first = sprite if first is None else first
        assert (sprite == first).all()
        if CLASSES[label] == 'static':  # the same draw, scaled to the room
            room, random_room = 64 - side, 64 - random_side(seed)
            np.testing.assert_allclose(path / room,
                                       random_path / random_room)
        else:  # same direction and speed
            np.testing.assert_allclose(np.diff(path, axis=0)[0],
                                       np.diff(random_path, axis=0)[0])


def test_bad_arguments():
    with pytest.raises(ValueError, match='scene'):
        generate_motion_type_dataset('/nonexistent', scene='dark')
    with pytest.raises(ValueError, match='appearance'):
        generate_motion_type_dataset('/nonexistent', appearance='same')
    with pytest.raises(ValueError, match='appearance'):
        render_clip(np.random.default_rng(0), 0, appearance='same')
    with pytest.raises(ValueError, match='size'):
        generate_motion_type_dataset('/nonexistent', size=30)
    with pytest.raises(ValueError, match='speed'):
        generate_motion_type_dataset('/nonexistent', speed=(3.0, 1.0))
    with pytest.raises(ValueError, match='fewer than'):
        generate_motion_type_dataset('/nonexistent', num_videos=6)
    with pytest.raises(ValueError, match='label'):
        render_clip(np.random.default_rng(0), 3)


def test_command_line_writes_the_scene(tmp_path):
    from mmtin.datasets.synthetic.cli import main
    main(['motion_type', str(tmp_path), '--num-videos', '20', '--frames',
          '4', '--size', '32', '--scene', 'plain', '--appearance', 'fixed'])
    meta = json.loads((tmp_path / 'meta.json').read_text())
    assert meta['scene'] == 'plain' and meta['counts']['test'] == 5
    assert meta['appearance'] == 'fixed'
