# Copyright (c) OpenMMLab. All rights reserved.
"""The temporal-order demo dataset (mmtin.datasets.synthetic.temporal_order)
command line (tools/data/generate_demo_dataset.py)."""
import importlib.util
import json
from collections import Counter

import decord
import numpy as np
import pytest

from mmtin.datasets.synthetic.temporal_order import generate_demo_dataset

NUM_VIDEOS, FRAMES, SIZE = 16, 8, 32
# 8 pairs: round(8 * 0.25) = 2 pairs (4 videos) each for val and test
RATIOS = dict(val_ratio=0.25, test_ratio=0.25)


def _read_ann(path):
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split(' ')
        assert len(parts) == 2, f'bad line {line!r} in {path}'
        rows.append((parts[0], int(parts[1])))
    return rows


def _decode(path):
    reader = decord.VideoReader(str(path))
    return reader.get_batch(list(range(len(reader)))).asnumpy()


@pytest.fixture(scope='module')
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp('demo')
    meta = generate_demo_dataset(
        str(root), num_videos=NUM_VIDEOS, frames=FRAMES, size=SIZE, seed=3,
        **RATIOS)
    return root, meta


def test_files_and_annotations(demo):
    root, meta = demo
    assert (root / 'label_map.txt').read_text().splitlines() == [
        'forward_moving_right', 'reversed_moving_left'
    ]
    assert json.loads((root / 'meta.json').read_text()) == meta
    seen = set()
    counts = {}
    for split in ('train', 'val', 'test'):
        rows = _read_ann(root / f'{split}.txt')
        counts[split] = len(rows)
        labels = Counter(label for _, label in rows)
        assert labels[0] == labels[1] == len(rows) // 2, (split, labels)
        for rel, _ in rows:
            assert rel.endswith('.mp4') and not rel.startswith('/')
            assert (root / rel).is_file()
            assert rel not in seen
            seen.add(rel)
    assert counts == dict(train=8, val=4, test=4) == meta['counts']


def test_videos_decode_with_decord(demo):
    root, _ = demo
    for rel, _ in _read_ann(root / 'val.txt'):
        reader = decord.VideoReader(str(root / rel))
        assert len(reader) == FRAMES
        assert reader[0].shape == (SIZE, SIZE, 3)
        assert reader.get_batch([FRAMES - 1]).asnumpy().std() > 5  # texture


def test_video_dataset_loads_annotations(demo):
    import mmtin  # noqa: F401
    from mmaction.datasets import VideoDataset
    from mmaction.datasets.transforms import (DecordDecode, DecordInit,
                                              SampleFrames)
    root, _ = demo
    dataset = VideoDataset(
        ann_file=str(root / 'train.txt'),
        pipeline=[
            DecordInit(),
            SampleFrames(clip_len=1, frame_interval=1, num_clips=4,
                         test_mode=True),
            DecordDecode(),
        ],
        data_prefix=dict(video=str(root)),
        test_mode=True)
    assert len(dataset) == 8
    rows = _read_ann(root / 'train.txt')
    for i, (rel, label) in enumerate(rows):
        info = dataset.get_data_info(i)
        assert info['filename'] == str(root / rel)
        assert info['label'] == label
    sample = dataset[0]
    assert len(sample['imgs']) == 4
    assert sample['imgs'][0].shape == (SIZE, SIZE, 3)


def test_classes_differ_only_in_temporal_order(demo):
    """Every class-0 video has a class-1 twin made of the same frames in
    reverse order, so per-frame statistics cannot tell the classes apart.

    Twins are found from the decoded pixels (sorted per-frame mean
    intensities), not from the file names.
    """
    root, _ = demo
    for split in ('train', 'val', 'test'):
        rows = _read_ann(root / f'{split}.txt')
        videos = {rel: (label, _decode(root / rel)) for rel, label in rows}
        by_class = {0: [], 1: []}
        for label, frames in videos.values():
            means = np.sort(frames.reshape(FRAMES, -1).mean(1))
            by_class[label].append((means, frames))
        assert len(by_class[0]) == len(by_class[1])
        unmatched = list(by_class[1])
        for means0, frames0 in by_class[0]:
            twins = [
                k for k, (means1, _) in enumerate(unmatched)
                if np.array_equal(means0, means1)
            ]
            assert len(twins) == 1, f'{split}: no unique twin'
            _, frames1 = unmatched.pop(twins[0])
            # the same frames, in reverse order (lossless codec)
            np.testing.assert_array_equal(frames1, frames0[::-1])
            # and not a static clip: the order is real information
            assert np.abs(frames0[0].astype(int) - frames0[-1]).max() > 50
        # the per-class distributions of frame means are identical
        all0 = np.sort(np.concatenate([m for m, _ in by_class[0]]))
        all1 = np.sort(np.concatenate([m for m, _ in by_class[1]]))
        np.testing.assert_array_equal(all0, all1)


def test_deterministic_given_seed(tmp_path):
    kwargs = dict(num_videos=6, frames=4, size=20, val_ratio=0.34,
                  test_ratio=0.34)
    for name, seed in (('a', 7), ('b', 7), ('c', 8)):
        generate_demo_dataset(str(tmp_path / name), seed=seed, **kwargs)
    files = sorted(p.relative_to(tmp_path / 'a')
                   for p in (tmp_path / 'a').rglob('*') if p.is_file())
    assert len(files) == 6 + 5  # videos, 3 lists, label map, meta
    for rel in files:  # byte for byte
        assert (tmp_path / 'a' / rel).read_bytes() == \
            (tmp_path / 'b' / rel).read_bytes(), rel
    videos = [rel for rel in files if rel.suffix == '.mp4']
    assert any(not np.array_equal(_decode(tmp_path / 'a' / rel),
                                  _decode(tmp_path / 'c' / rel))
               for rel in videos)


@pytest.mark.parametrize('kwargs, word', [
    (dict(num_videos=7), 'num_videos'),
    (dict(num_videos=0), 'num_videos'),
    (dict(size=15), 'size'),
    (dict(frames=1), 'frames'),
    (dict(num_videos=4, val_ratio=0.1, test_ratio=0.1), 'num_videos'),
])
def test_bad_arguments_are_named(tmp_path, kwargs, word):
    with pytest.raises(ValueError, match=word):
        generate_demo_dataset(str(tmp_path), **kwargs)


def test_command_line(tmp_path, repo_root, capsys):
    spec = importlib.util.spec_from_file_location(
        'mmtin_generate_demo_dataset',
        repo_root / 'tools' / 'data' / 'generate_demo_dataset.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = tmp_path / 'demo'
    tool.main([str(out), '--num-videos', '20', '--frames', '6', '--size',
               '20', '--seed', '1'])
    assert 'wrote 20 videos' in capsys.readouterr().out
    meta = json.loads((out / 'meta.json').read_text())
    assert (meta['num_videos'], meta['frames'], meta['size'],
            meta['seed']) == (20, 6, 20, 1)
    rows = sum((_read_ann(out / f'{s}.txt')
                for s in ('train', 'val', 'test')), [])
    assert len(rows) == 20
    assert len(_decode(out / rows[0][0])) == 6
