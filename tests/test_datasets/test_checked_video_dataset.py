# Copyright (c) OpenMMLab. All rights reserved.
"""CheckedVideoDataset: broken videos are named by annotation line."""
import os
import re
import warnings
from pathlib import Path

import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
import robustness_helpers as helpers

import mmtin  # noqa: F401
from mmtin.datasets.checked_video_dataset import (SKIPPED_KEY,
                                                  BrokenVideoError,
                                                  CheckedVideoDataset,
                                                  probe_video,
                                                  skipped_in_batch)

PIPELINE = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=4),
    dict(type='DecordDecode'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs'),
]
BROKEN = ('missing.mp4', 'truncated.mp4', 'garbage.mp4')

init_default_scope('mmaction')  # the pipeline's transforms are mmaction's


@pytest.fixture(scope='module')
def data(tmp_path_factory, video_dir):
    """Three good videos, a short one and three broken ones.

    Returns ``(root, ann_file, {name: annotation line})``; the annotation
    file has a blank line, so lines and sample indices differ.
    """
    root = tmp_path_factory.mktemp('checked_video')
    for i in range(3):
        helpers.make_video(root / f'good{i}.mp4', 12, seed=i)
    helpers.make_video(root / 'short.mp4', 3)
    real = (video_dir / 'test.mp4').read_bytes()
    (root / 'truncated.mp4').write_bytes(real[:int(len(real) * 0.3)])
    (root / 'garbage.mp4').write_bytes(
        bytes(range(256)) * 20)  # no container at all
    names = ['good0.mp4', 'missing.mp4', 'good1.mp4', 'truncated.mp4',
             'garbage.mp4', 'good2.mp4', 'short.mp4']
    text = ''.join(f'{n} {i % 3}\n' + ('\n' if i == 0 else '')
                   for i, n in enumerate(names))
    ann = root / 'ann.txt'
    ann.write_text(text)
    lines = {}
    for no, line in enumerate(text.splitlines(), start=1):
        if line:
            lines[line.split()[0]] = no
    return root, ann, lines


@pytest.fixture
def logged(monkeypatch):
    """The dataset's log messages (it warns through the logger only)."""
    import mmtin.datasets.checked_video_dataset as module
    messages = []
    monkeypatch.setattr(module, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    return messages


def _dataset(data, **kwargs):
    root, ann, _ = data
    return CheckedVideoDataset(
        str(ann), PIPELINE, data_prefix=dict(video=str(root)), **kwargs)


def _index(dataset, name):
    for i in range(len(dataset)):
        if dataset.get_data_info(i)['filename'].endswith('/' + name):
            return i
    raise KeyError(name)


def test_annotation_lines_are_recorded(data):
    root, _, lines = data
    dataset = _dataset(data)
    assert len(dataset) == 7
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [i['ann_line'] for i in infos] == [1, 3, 4, 5, 6, 7, 8]
    for info in infos:
        name = Path(info['filename']).name
        assert info['filename'] == os.path.join(str(root), name)
        assert info['ann_line'] == lines[name]
    assert [i['label'] for i in infos] == [0, 1, 2, 0, 1, 2, 0]


def test_good_video_loads(data):
    sample = _dataset(data)[0]
    assert sample['inputs'].shape == (4, 3, 32, 32)
    assert SKIPPED_KEY not in sample['data_samples'].metainfo


@pytest.mark.parametrize('test_mode', [False, True])
@pytest.mark.parametrize('name', BROKEN)
def test_broken_video_names_file_and_line(data, name, test_mode):
    root, ann, lines = data
    dataset = _dataset(data, test_mode=test_mode)
    with pytest.raises(BrokenVideoError) as info:
        dataset[_index(dataset, name)]
    err = info.value
    assert err.filename == os.path.join(str(root), name)
    assert (err.ann_file, err.line) == (str(ann), lines[name])
    assert f'"{err.filename}"' in str(err)
    assert f'{ann}, line {lines[name]}' in str(err)
    assert 'DecordInit failed' in str(err)
    assert err.__cause__ is not None  # the decoder's own error is chained


def test_malformed_annotation_names_line(tmp_path):
    ann = tmp_path / 'ann.txt'
    ann.write_text('a.mp4 1\n\nb.mp4 one\n')
    with pytest.raises(ValueError, match=re.escape(f'{ann}, line 3')):
        CheckedVideoDataset(str(ann), [])
    with pytest.raises(FileNotFoundError, match='nowhere.txt'):
        CheckedVideoDataset(str(tmp_path / 'nowhere.txt'), [])
    with pytest.raises(TypeError, match='skip_broken'):
        CheckedVideoDataset(str(ann), [], skip_broken='yes')


@pytest.mark.parametrize('name', BROKEN)
def test_skip_broken_train_mode_warns_and_marks(data, name, logged):
    root, ann, lines = data
    dataset = _dataset(data, skip_broken=True)
    where = f'{root / name} ({ann}:{lines[name]})'
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # logged, not also warned
        sample = dataset[_index(dataset, name)]
    message = ' '.join(logged)
    assert f'"{root / name}"' in message
    assert f'{ann}, line {lines[name]}' in message
    assert sample['inputs'].shape == (4, 3, 32, 32)
    skipped = sample['data_samples'].metainfo[SKIPPED_KEY]
    assert skipped[0] == where
    assert all(s.split(' (')[0].endswith(BROKEN) for s in skipped)
    batch = pseudo_collate([sample, dataset[0]])
    assert skipped_in_batch(batch) == skipped
    dataset[_index(dataset, name)]  # skipped again: not logged again
    assert sum(f'"{root / name}"' in m for m in logged) == 1


def test_skip_broken_count_crosses_worker_processes(data):
    dataset = _dataset(data, skip_broken=True)
    broken = {_index(dataset, n) for n in BROKEN}
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=2, num_workers=2, collate_fn=pseudo_collate,
        sampler=sorted(broken) * 2)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        found = [s for batch in loader for s in skipped_in_batch(batch)]
    # each broken index is skipped at least once (its random replacement
    # may be broken too), and every record names a broken video
    assert len(found) >= 6
    for name in BROKEN:
        assert any(f'/{name} (' in s for s in found)
    assert all(s.split(' (')[0].endswith(BROKEN) for s in found)


def test_skip_broken_test_mode_leaves_out_at_init(data, logged):
    root, ann, lines = data
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # logged, not also warned
        dataset = _dataset(data, skip_broken=True, test_mode=True)
    messages = list(logged)
    assert len(dataset) == 4
    assert dataset.broken_at_init == [
        f'{root / n} ({ann}:{lines[n]})' for n in
        ('missing.mp4', 'truncated.mp4', 'garbage.mp4')
    ]
    for where in dataset.broken_at_init:  # each broken file once
        assert sum(where in m for m in messages) == 1
    assert any('3 of 7 videos' in m for m in messages)
    short = f'{root / "short.mp4"} ({ann}:{lines["short.mp4"]})'
    assert dataset.short_videos == [short]  # kept and looped, logged
    assert sum(short in m for m in messages) == 1
    assert any('1 of 7 videos' in m and 'looped' in m for m in messages)
    names = {Path(dataset.get_data_info(i)['filename']).name
             for i in range(len(dataset))}
    assert names == {'good0.mp4', 'good1.mp4', 'good2.mp4', 'short.mp4'}
    assert dataset[0]['inputs'].shape == (4, 3, 32, 32)


def test_probe_video(data, video_dir):
    root = data[0]
    assert probe_video(str(root / 'good0.mp4')) == (12, None, '')
    assert probe_video(str(root / 'short.mp4'), decode='all').num_frames == 3
    assert probe_video(str(root / 'missing.mp4')).problem == 'missing'
    for name in ('truncated.mp4', 'garbage.mp4'):
        probe = probe_video(str(root / name), decode='none')
        assert probe.problem == 'undecodable' and probe.detail
    assert probe_video(str(video_dir / 'test.mp4')).num_frames == 300
    with pytest.raises(ValueError, match='decode'):
        probe_video(str(root / 'good0.mp4'), decode='some')


def test_short_video_rule_loop_or_error(data, logged):
    """A 3-frame video under a 4-clip sampler was looped silently (and
    check_dataset called it broken); now it is looped and logged once
    (short_video='loop'), or rejected naming the file and its frame count
    (short_video='error')."""
    root, ann, lines = data
    where = f'{root / "short.mp4"} ({ann}:{lines["short.mp4"]})'
    looped = _dataset(data)
    assert looped.min_frames == 4
    index = _index(looped, 'short.mp4')
    for _ in range(2):
        assert looped[index]['inputs'].shape == (4, 3, 32, 32)
    assert looped.short_videos == [where]
    assert sum(where in m and '3 frames, the sampling needs at least 4'
               in m for m in logged) == 1
    for test_mode in (False, True):
        strict = _dataset(data, short_video='error', test_mode=test_mode)
        with pytest.raises(BrokenVideoError) as info:
            strict[index]
        assert (info.value.line, info.value.filename) == (
            lines['short.mp4'], str(root / 'short.mp4'))
        assert '3 frames, the sampling needs at least 4' in str(info.value)
    left_out = _dataset(data, short_video='error', skip_broken=True,
                        test_mode=True)
    assert len(left_out) == 3 and where in left_out.broken_at_init
    with pytest.raises(ValueError, match='short_video must be one of'):
        _dataset(data, short_video='pad')
