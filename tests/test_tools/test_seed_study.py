# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/analysis/seed_study.py``: a real 1-seed, 1-epoch run of a tiny
config (in-process, through the study core), and the aggregation/failure
handling with stubbed runs."""
import json

import pytest
from script_loader import load_script

from mmtin.study import DataRootError, StudyRunner

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


tool = load_script('tools/analysis/seed_study.py')


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
def test_seed_study_real_run(video_dir, tmp_path, capsys):
    data = _write_data(tmp_path, video_dir)
    config = tmp_path / 'tiny_tsn.py'
    config.write_text(TINY_TRAIN.replace('DATA_ROOT', '/not/there'))
    work = tmp_path / 'study'
    # --data-root moves the dataset paths; --cfg-options reach the config
    code = tool.main([
        '--configs', str(config), '--seeds', '0', '--work-dir', str(work),
        '--data-root', str(data), '--cfg-options', 'train_cfg.max_epochs=1'
    ])
    out = capsys.readouterr().out
    assert code == 0, out[-3000:]
    run_dir = work / 'seed0' / 'tiny_tsn'
    assert (run_dir / 'epoch_1.pth').is_file()
    assert not (run_dir / 'epoch_2.pth').exists()
    record = json.loads((work / 'seed0' / 'results' /
                         'tiny_tsn.json').read_text())
    top1 = 100 * record['metrics']['acc/top1']
    assert top1 in (0.0, 50.0, 100.0)  # two test videos

    rows = _table_rows(out)
    assert rows[0] == ['config', 'seed 0', 'mean', 'std', 'min-max']
    assert rows[2][0] == 'tiny_tsn'
    assert float(rows[2][1]) == pytest.approx(top1)
    results = json.loads((work / 'seed_study.json').read_text())['results']
    assert results['tiny_tsn']['top1'] == {'0': pytest.approx(top1)}
    assert results['tiny_tsn']['mean'] == pytest.approx(top1)
    assert results['tiny_tsn']['std'] == 0.0
    assert results['tiny_tsn']['failed'] == {}
    assert (work / 'seed_study.md').is_file()
    # a second run over the same work dir needs --resume, and reuses it
    with pytest.raises(Exception, match='--resume'):
        tool.main(['--configs', str(config), '--seeds', '0', '--work-dir',
                   str(work), '--data-root', str(data)])
    assert tool.main(['--configs', str(config), '--seeds', '0',
                      '--work-dir', str(work), '--data-root', str(data),
                      '--resume']) == 0


def test_seed_study_aggregates_and_keeps_going(tmp_path, monkeypatch,
                                               capsys):
    good, bad = tmp_path / 'good.py', tmp_path / 'bad.py'
    good.write_text('x = 1\n')
    bad.write_text('x = 1\n')
    fake_top1 = {0: .50, 1: .60, 2: .70}

    def fake_chain(self, row, seed, variant, data_root, where):
        if row.name == 'bad' and seed == 1:
            raise RuntimeError('loss is nan')
        return dict(values=dict(top1=fake_top1[seed]), metrics={},
                    seconds=1.0, checkpoint='x.pth')

    monkeypatch.setattr(StudyRunner, '_run_chain', fake_chain)
    code = tool.main([
        '--configs', str(bad), str(good), '--seeds', '0', '1', '2',
        '--work-dir', str(tmp_path / 'w')
    ])
    text = capsys.readouterr().out
    assert code == 1
    assert 'FAILED bad seed 1: RuntimeError: loss is nan' in text
    results = json.loads(
        (tmp_path / 'w' / 'seed_study.json').read_text())['results']
    # good: mean 60, sample std of (50, 60, 70) = 10
    assert results['good']['mean'] == pytest.approx(60.0)
    assert results['good']['std'] == pytest.approx(10.0)
    assert results['good']['failed'] == {}
    # bad: seed 1 failed and is named; the others still count
    assert set(results['bad']['top1']) == {'0', '2'}
    assert results['bad']['mean'] == pytest.approx(60.0)
    assert results['bad']['std'] == pytest.approx(14.142135623730951)
    assert 'bad seed 1' in results['bad']['failed']['1']
    rows = {r[0]: r for r in _table_rows(text)}
    assert rows['bad'][1:4] == ['50.00', 'failed', '70.00']

    with pytest.raises(SystemExit):  # missing config: argparse error
        tool.main(['--configs', str(tmp_path / 'none.py')])
    assert tool.main([
        '--configs', str(bad), str(good), '--seeds', '0', '1', '2',
        '--work-dir', str(tmp_path / 'w2'), '--stop-on-error'
    ]) == 1
    stopped = json.loads(
        (tmp_path / 'w2' / 'seed_study.json').read_text())['results']
    # seeds before rows: seed 0 of both, then bad seed 1 stops the study
    assert set(stopped['bad']['top1']) == {'0'}
    assert set(stopped['good']['top1']) == {'0'}
    assert 'loss is nan' in stopped['bad']['failed']['1']


def test_demo_data_root_with_other_data_is_refused(tmp_path):
    config = tmp_path / 'cfg.py'
    config.write_text('x = 1\n')
    root = tmp_path / 'demo'
    root.mkdir()
    (root / 'meta.json').write_text(json.dumps(dict(num_videos=40)))
    with pytest.raises(DataRootError, match='num_videos: meta.json 40 != '
                       'spec 600'):
        tool.main(['--configs', str(config), '--demo-data', '--data-root',
                   str(root), '--work-dir', str(tmp_path / 'w')])
    args = tool.parse_args(['--configs', str(config), '--demo-data'])
    assert args.data_root == 'data/demo'
    rows = tool.build_rows([str(config)], 'best')
    assert rows[0].stages[0].validate and \
        rows[0].stages[0].test_checkpoint == 'best'
