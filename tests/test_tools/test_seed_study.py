# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/analysis/seed_study.py``: a real 1-seed, 1-epoch run of a tiny
config (train.py + test.py subprocesses), and the aggregation/failure
handling with stubbed runs."""
import json
import os
import subprocess
import sys

import pytest
from script_loader import load_script

TINY_TRAIN = """
default_scope = 'mmaction'
data_root = 'DATA_ROOT'
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNet', depth=18, pretrained=None, norm_eval=False),
    cls_head=dict(type='TSNHead', num_classes=2, in_channels=512,
                  average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], format_shape='NCHW'))
pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 40)),
    dict(type='CenterCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
dataset = dict(type='VideoDataset', ann_file=data_root + '/ann.txt',
               data_prefix=dict(video=data_root), pipeline=pipeline)
train_dataloader = dict(batch_size=2, num_workers=0, dataset=dataset,
                        sampler=dict(type='DefaultSampler', shuffle=True))
test_dataloader = dict(batch_size=1, num_workers=0,
                       dataset=dict(dataset, test_mode=True),
                       sampler=dict(type='DefaultSampler', shuffle=False))
test_evaluator = dict(type='AccMetric')
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=3)
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.001, momentum=0.9))
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1),
                     logger=dict(type='LoggerHook', interval=1))
"""


def _load_tool(repo_root):
    return load_script('tools/analysis/seed_study.py')


def _table_rows(text):
    lines = [ln for ln in text.splitlines() if ln.startswith('|')]
    return [[c.strip() for c in ln.strip('|').split('|')] for ln in lines]


def _write_data(tmp_path, video_dir):
    data = tmp_path / 'data'
    data.mkdir()
    (data / 'a.mp4').symlink_to(video_dir / 'demo.mp4')
    (data / 'b.mp4').symlink_to(video_dir / 'test.mp4')
    (data / 'ann.txt').write_text('a.mp4 0\nb.mp4 1\n')
    return data


@pytest.mark.slow
def test_seed_study_real_run(repo_root, video_dir, tmp_path):
    data = _write_data(tmp_path, video_dir)
    config = tmp_path / 'tiny_tsn.py'
    config.write_text(TINY_TRAIN.replace('DATA_ROOT', str(data)))
    work = tmp_path / 'study'
    env = dict(os.environ, OMP_NUM_THREADS='1')
    # --cfg-options must reach train.py (3 epochs -> 1)
    proc = subprocess.run([
        sys.executable, 'tools/analysis/seed_study.py', '--configs',
        str(config), '--seeds', '0', '--work-dir',
        str(work), '--cfg-options', 'train_cfg.max_epochs=1'
    ], cwd=repo_root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    run_dir = work / 'tiny_tsn' / 'seed0'
    assert (run_dir / 'epoch_1.pth').is_file()
    assert not (run_dir / 'epoch_2.pth').exists()
    test_log = (run_dir / 'test.log').read_text()
    printed = [ln for ln in test_log.splitlines()
               if ln.startswith('acc/top1: ')]
    assert printed, test_log[-2000:]
    top1 = 100 * float(printed[-1].split(': ')[1])
    assert top1 in (0.0, 50.0, 100.0)  # two test videos

    rows = _table_rows(proc.stdout)
    assert rows[0] == ['config', 'seed 0', 'mean', 'std', 'min-max']
    assert rows[2][0] == 'tiny_tsn'
    assert float(rows[2][1]) == pytest.approx(top1)
    results = json.loads((work / 'results.json').read_text())['results']
    assert results['tiny_tsn']['top1'] == {'0': pytest.approx(top1)}
    assert results['tiny_tsn']['mean'] == pytest.approx(top1)
    assert results['tiny_tsn']['std'] == 0.0
    assert results['tiny_tsn']['failed'] == {}


def test_seed_study_aggregates_and_keeps_going(repo_root, tmp_path,
                                               monkeypatch, capsys):
    tool = _load_tool(repo_root)
    good, bad = tmp_path / 'good.py', tmp_path / 'bad.py'
    good.write_text('x = 1\n')
    bad.write_text('x = 1\n')
    fake_top1 = {0: 50.0, 1: 60.0, 2: 70.0}

    def fake_run_one(config, seed, args, extra):
        if config == str(bad) and seed == 1:
            raise tool.RunError('train.py exited with status 1')
        return dict(config=config, seed=seed, top1=fake_top1[seed])

    monkeypatch.setattr(tool, 'run_one', fake_run_one)
    out = tmp_path / 'r.json'
    code = tool.main([
        '--configs',
        str(bad),
        str(good), '--seeds', '0', '1', '2', '--work-dir',
        str(tmp_path / 'w'), '--out',
        str(out)
    ])
    text = capsys.readouterr().out
    assert code == 1
    assert f'FAILED {bad} seed 1' in text
    results = json.loads(out.read_text())['results']
    # good: mean 60, sample std of (50, 60, 70) = 10
    assert results['good']['mean'] == pytest.approx(60.0)
    assert results['good']['std'] == pytest.approx(10.0)
    assert results['good']['failed'] == {}
    # bad: seed 1 failed and is named; the others still count
    assert set(results['bad']['top1']) == {'0', '2'}
    assert results['bad']['mean'] == pytest.approx(60.0)
    assert results['bad']['std'] == pytest.approx(14.142135623730951)
    assert 'bad.py seed 1' in results['bad']['failed']['1']
    rows = {r[0]: r for r in _table_rows(text)}
    assert rows['bad'][1:4] == ['50.00', 'failed', '70.00']

    with pytest.raises(SystemExit):  # missing config: argparse error
        tool.main(['--configs', str(tmp_path / 'none.py')])
    out2 = tmp_path / 'r2.json'
    assert tool.main([
        '--configs',
        str(bad),
        str(good), '--seeds', '0', '1', '2', '--work-dir',
        str(tmp_path / 'w'), '--out',
        str(out2), '--stop-on-error'
    ]) == 1
    stopped = json.loads(out2.read_text())['results']
    assert 'good' not in stopped and set(stopped['bad']['top1']) == {'0'}


def test_data_root_overrides(repo_root, tmp_path):
    tool = _load_tool(repo_root)
    config = tmp_path / 'cfg.py'
    config.write_text(TINY_TRAIN.replace('DATA_ROOT', '/old/root'))
    overrides = tool.data_root_overrides(str(config), '/new/root')
    assert sorted(overrides) == sorted([
        'data_root=/new/root',
        'train_dataloader.dataset.ann_file=/new/root/ann.txt',
        'train_dataloader.dataset.data_prefix.video=/new/root',
        'test_dataloader.dataset.ann_file=/new/root/ann.txt',
        'test_dataloader.dataset.data_prefix.video=/new/root',
    ])
    no_root = tmp_path / 'no_root.py'
    no_root.write_text('x = 1\n')
    with pytest.raises(ValueError, match='no_root.py defines no `data_root`'):
        tool.data_root_overrides(str(no_root), '/new/root')


def test_run_error_names_the_command_and_log(repo_root, tmp_path):
    tool = _load_tool(repo_root)
    log = tmp_path / 'train.log'
    with pytest.raises(tool.RunError, match='status 3') as err:
        tool._run([sys.executable, '-c', 'print("boom"); exit(3)'],
                  str(log), 'train.py')
    assert str(log) in str(err.value) and 'boom' in str(err.value)
