# Copyright (c) OpenMMLab. All rights reserved.
"""mmtin.study.study_runner with a fake MMEngine Runner: chains, shared
stages, resume, refusal to overwrite, failures; then (slow) a real 2-row x
2-seed study on tiny generated data."""
import json
import os
import os.path as osp

import pytest

from mmtin.study import (COUNTED, DataSpec, Stage, StudyError, StudyReport,
                         StudyRow, StudyRowError, StudyRunner, ensure_data)

CONFIG = """
data_root = 'data/nowhere'
model = dict(type='Fake')
train_dataloader = dict(dataset=dict(ann_file=data_root + '/train.txt',
                                     data_prefix=dict(video=data_root)))
test_dataloader = dict(dataset=dict(ann_file=data_root + '/test.txt',
                                    data_prefix=dict(video=data_root)))
val_dataloader = test_dataloader
val_cfg = dict(type='ValLoop')
val_evaluator = dict(type='AccMetric')
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=4)
param_scheduler = [dict(type='CosineAnnealingLR', T_max=4, begin=0, end=4)]
load_from = 'work_dirs/some_default.pth'
"""


class FakeRunner:
    """Records its config; train() writes a checkpoint, test() scores."""
    built = []
    fail = set()

    def __init__(self, cfg):
        self.cfg = cfg
        FakeRunner.built.append(cfg)

    def train(self):
        if self.cfg.work_dir in FakeRunner.fail:
            raise RuntimeError('loss is nan')
        os.makedirs(self.cfg.work_dir, exist_ok=True)
        ckpt = osp.join(self.cfg.work_dir,
                        f'epoch_{self.cfg.train_cfg.max_epochs}.pth')
        open(ckpt, 'w').close()
        with open(osp.join(self.cfg.work_dir, 'last_checkpoint'), 'w') as f:
            f.write(ckpt)

    def test(self):
        seed = self.cfg.randomness['seed']
        return {'acc/top1': 0.5 + 0.1 * seed, 'flops/g': 2.0}


@pytest.fixture
def fake(monkeypatch):
    FakeRunner.built, FakeRunner.fail = [], set()
    monkeypatch.setattr(StudyRunner, '_build_runner',
                        staticmethod(FakeRunner))
    monkeypatch.setattr('mmtin.study.clip_flops.count_clip_gflops',
                        lambda runner: 7.0)
    monkeypatch.setattr('mmtin.study.clip_latency.time_test_video',
                        lambda runner, repeats: 3.0 + repeats)
    return FakeRunner


@pytest.fixture
def rows(tmp_path):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(CONFIG)
    cfg = str(cfg)
    pre = Stage('pre', cfg, 2)
    return [
        StudyRow('chain', [pre, Stage('fine', cfg, 1, init_from='pre')],
                 metrics={'top1': 'acc/top1', 'gflops': 'flops/g'}),
        StudyRow('focus', [pre, Stage('focus', cfg, 3, init_from='pre',
                                      init_key='model.init_cfg')],
                 metrics={'top1': 'acc/top1', 'gflops': COUNTED}),
    ]


def test_chains_shared_stages_and_data_root(fake, rows, tmp_path):
    work = str(tmp_path / 'w')
    records = StudyRunner(rows, [0, 1], work, {'': '/d/new'},
                          log=lambda _: None).run()
    assert [(r['row'], r['seed']) for r in records] == [
        ('chain', 0), ('focus', 0), ('chain', 1), ('focus', 1)]
    # 'pre' is trained once per seed and shared: 3 trainings + 2 tests
    assert len(fake.built) == 2 * (3 + 2)
    by_dir = {}
    for cfg in fake.built:
        by_dir.setdefault(cfg.work_dir, []).append(cfg)
    pre0 = by_dir[osp.join(work, 'seed0', 'pre')][0]
    assert pre0.load_from is None  # the config's default load_from dropped
    assert pre0.train_cfg.max_epochs == 2
    assert pre0.param_scheduler[0]['T_max'] == 2  # set_max_epochs
    assert pre0.train_dataloader.dataset.ann_file == '/d/new/train.txt'
    assert pre0.val_dataloader is None and pre0.val_cfg is None
    assert pre0.randomness == dict(seed=0, deterministic=False)
    pre_ckpt = osp.join(work, 'seed0', 'pre', 'epoch_2.pth')
    fine = by_dir[osp.join(work, 'seed0', 'fine')]
    assert fine[0].load_from == pre_ckpt
    # the test runner loads the stage's own checkpoint
    assert fine[1].load_from == osp.join(work, 'seed0', 'fine',
                                         'epoch_1.pth')
    focus = by_dir[osp.join(work, 'seed1', 'focus')][0]
    assert focus.model.init_cfg == osp.join(work, 'seed1', 'pre',
                                            'epoch_2.pth')
    assert focus.load_from is None
    chain1 = records[2]
    assert chain1['values'] == dict(top1=pytest.approx(0.6), gflops=2.0,
                                    latency_ms=13.0)
    assert records[1]['values']['gflops'] == 7.0  # counted
    saved = json.loads(open(osp.join(work, 'seed1', 'results',
                                     'chain.json')).read())
    assert saved == json.loads(json.dumps(chain1))
    report = StudyReport(records, rows, [0, 1])
    assert report.stats('chain', 'top1')['mean'] == pytest.approx(0.55)


def test_resume_skips_finished_runs_and_refuses_without_it(
        fake, rows, tmp_path):
    work = str(tmp_path / 'w')
    first = StudyRunner(rows, [0], work, log=lambda _: None).run()
    fake.built.clear()
    with pytest.raises(StudyError, match='chain.json exists.*--resume'):
        StudyRunner(rows, [0], work, log=lambda _: None).run()
    again = StudyRunner(rows, [0], work, resume=True,
                        log=lambda _: None).run()
    assert fake.built == [] and again == json.loads(json.dumps(first))
    # a finished stage but an unfinished row: only the missing work runs
    os.remove(osp.join(work, 'seed0', 'results', 'focus.json'))
    os.remove(osp.join(work, 'seed0', 'focus', 'stage.json'))
    StudyRunner(rows, [0, 1], work, resume=True, log=lambda _: None).run()
    dirs = [c.work_dir for c in fake.built]
    assert osp.join(work, 'seed0', 'pre') not in dirs
    assert dirs.count(osp.join(work, 'seed0', 'focus')) == 2  # train, test
    # the interrupted stage resumed from its last checkpoint
    assert fake.built[0].resume is True and fake.built[0].load_from is None
    assert osp.join(work, 'seed1', 'pre') in dirs


def test_changed_stage_in_a_finished_work_dir_is_refused(
        fake, rows, tmp_path):
    work = str(tmp_path / 'w')
    StudyRunner(rows[:1], [0], work, log=lambda _: None).run()
    os.remove(osp.join(work, 'seed0', 'results', 'chain.json'))
    changed = StudyRow('chain', [rows[0].stages[0],
                                 Stage('fine', rows[0].stages[1].config, 5,
                                       init_from='pre')])
    with pytest.raises(StudyError, match='trained with other settings'):
        StudyRunner([changed], [0], work, resume=True,
                    log=lambda _: None).run()
    # an unfinished stage dir without --resume is not run over
    os.makedirs(osp.join(work, 'seed1', 'pre'))
    open(osp.join(work, 'seed1', 'pre', 'x.log'), 'w').close()
    with pytest.raises(StudyError, match='unfinished stage pre'):
        StudyRunner(rows[:1], [1], work, log=lambda _: None).run()


def test_a_failing_run_is_recorded_and_the_study_goes_on(
        fake, rows, tmp_path):
    work = str(tmp_path / 'w')
    fake.fail.add(osp.join(work, 'seed0', 'focus'))
    logs = []
    records = StudyRunner(rows, [0, 1], work, log=logs.append).run()
    errors = [r for r in records if 'error' in r]
    assert [(r['row'], r['seed']) for r in errors] == [('focus', 0)]
    assert 'focus seed 0: RuntimeError: loss is nan' in errors[0]['error']
    assert any(line.startswith('[study] FAILED focus seed 0')
               for line in logs)
    assert len(records) == 4
    fake.fail.add(osp.join(str(tmp_path / 'w2'), 'seed0', 'focus'))
    with pytest.raises(RuntimeError, match='nan'):
        StudyRunner(rows, [0], str(tmp_path / 'w2'), stop_on_error=True,
                    log=lambda _: None).run()


def test_a_given_checkpoint_is_tested_not_trained(fake, rows, tmp_path):
    ckpt = tmp_path / 'best.pth'
    ckpt.write_text('')
    row = StudyRow('given', [Stage('given', rows[0].stages[0].config,
                                   checkpoint=str(ckpt))])
    records = StudyRunner([row], [0], str(tmp_path / 'w'),
                          log=lambda _: None).run()
    assert records[0]['checkpoint'] == str(ckpt)
    assert [c.load_from for c in fake.built] == [str(ckpt)]  # test only
    with pytest.raises(StudyRowError, match='only tested'):
        Stage('x', rows[0].stages[0].config, 2, checkpoint=str(ckpt))
    missing = StudyRow('m', [Stage('m', rows[0].stages[0].config,
                                   checkpoint=str(tmp_path / 'no.pth'))])
    with pytest.raises(StudyError, match='checkpoint not found'):
        StudyRunner([missing], [0], str(tmp_path / 'w'),
                    log=lambda _: None).run()


def test_test_only_stage_takes_checkpoints_of_earlier_stages(
        fake, rows, tmp_path):
    cfg = rows[0].stages[0].config
    m0, m1 = Stage('m0', cfg, 2), Stage('m1', cfg, 2, seed_offset=1000)
    ens = Stage('ens', cfg, train=False,
                from_stages=(('m0', 'model.a'), ('m1', 'model.b')))
    rows = [StudyRow('ens', [m0, m1, ens]), StudyRow('m0', [m0])]
    work = str(tmp_path / 'w')
    records = StudyRunner(rows, [3], work, log=lambda _: None).run()
    # m0 trained once (shared), m1, then the test-only stage; m0 tested
    assert [osp.basename(c.work_dir) for c in fake.built] == [
        'm0', 'm1', 'ens', 'm0']
    assert [c.randomness['seed'] for c in fake.built] == [3, 1003, 3, 3]
    test = fake.built[2]
    assert test.load_from is None
    assert test.model.a == osp.join(work, 'seed3', 'm0', 'epoch_2.pth')
    assert test.model.b == osp.join(work, 'seed3', 'm1', 'epoch_2.pth')
    assert records[0]['checkpoint'] is None
    assert records[0]['seconds'] >= 0
    info = json.load(open(osp.join(work, 'seed3', 'ens', 'stage.json')))
    assert info['stage']['train'] is False
    # stage records of stages without the new fields stay as before
    info = json.load(open(osp.join(work, 'seed3', 'm0', 'stage.json')))
    assert not {'train', 'from_stages', 'seed_offset'} & set(info['stage'])
    again = StudyRunner(rows, [3], work, resume=True,
                        log=lambda _: None).run()
    assert [r['values'] for r in again] == [r['values'] for r in records]


def test_missing_metric_key_is_named(fake, rows, tmp_path):
    row = StudyRow('r', rows[0].stages[:1], metrics={'map': 'det/mAP'})
    with pytest.raises(StudyError, match="r seed 0: the test metrics have "
                       r"no 'det/mAP' \(they have \['acc/top1'"):
        StudyRunner([row], [0], str(tmp_path / 'w'),
                    log=lambda _: None).run()
    # the trained and tested stage is kept for a --resume with the fix
    assert osp.isfile(tmp_path / 'w' / 'seed0' / 'pre' / 'stage.json')


@pytest.mark.slow
def test_tiny_real_study_two_rows_two_seeds(tmp_path, repo_root):
    """2 rows (one a 2-stage chain with a counted GFLOPs value) x 2 seeds,
    1 epoch per stage, through MMEngine's Runner on tiny generated
    data."""
    from mmtin.datasets.synthetic import generate_demo_dataset
    data = str(tmp_path / 'data')
    ensure_data(data, DataSpec(generate_demo_dataset,
                               dict(num_videos=12, frames=4, size=32,
                                    val_ratio=0.17, test_ratio=0.17)))
    cfg = tmp_path / 'tiny.py'
    cfg.write_text(TINY.replace('DATA_ROOT', 'data/elsewhere'))
    cfg = str(cfg)
    rows = [
        StudyRow('plain', [Stage('plain', cfg, 1)],
                 metrics={'top1': 'acc/top1', 'gflops': COUNTED}),
        StudyRow('chain', [Stage('pre', cfg, 1),
                           Stage('fine', cfg, 1, init_from='pre')]),
    ]
    work = str(tmp_path / 'work')
    records = StudyRunner(rows, [0, 1], work, {'': data},
                          log=lambda _: None).run()
    assert [r.get('error') for r in records] == [None] * 4
    for r in records:
        assert 0.0 <= r['values']['top1'] <= 1.0
        assert r['values']['latency_ms'] > 0  # timed on one test video
    gflops = [r['values']['gflops'] for r in records if r['row'] == 'plain']
    assert gflops[0] == gflops[1] > 0.01  # resnet18, 2 frames of 32x32
    ckpt = records[1]['checkpoint']
    assert ckpt.startswith(osp.join(work, 'seed0', 'fine'))
    # the fine stage started from the pre stage's weights
    import torch
    pre = torch.load(osp.join(work, 'seed0', 'pre', 'epoch_1.pth'),
                     map_location='cpu', weights_only=False)['state_dict']
    fine = torch.load(ckpt, map_location='cpu',
                      weights_only=False)['state_dict']
    key = 'backbone.conv1.conv.weight'
    assert not torch.equal(pre[key], fine[key])  # it trained on
    assert torch.allclose(pre[key], fine[key], atol=0.05)  # from pre
    report = StudyReport(records, rows, [0, 1])
    assert report.complete()
    # an interrupted stage resumes from its last checkpoint
    os.remove(osp.join(work, 'seed1', 'results', 'plain.json'))
    os.remove(osp.join(work, 'seed1', 'plain', 'stage.json'))
    longer = [StudyRow('plain', [Stage('plain', cfg, 2)])]
    logs = []
    again = StudyRunner(longer, [1], work, {'': data}, resume=True,
                        log=logs.append).run()
    assert 'resuming from its last checkpoint' in ' '.join(logs)
    assert again[0]['checkpoint'].endswith('epoch_2.pth')


TINY = """
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
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=4, num_workers=0,
    dataset=dict(type='VideoDataset', ann_file=data_root + '/train.txt',
                 data_prefix=dict(video=data_root), pipeline=pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True))
test_dataloader = dict(
    batch_size=2, num_workers=0,
    dataset=dict(type='VideoDataset', ann_file=data_root + '/test.txt',
                 data_prefix=dict(video=data_root), pipeline=pipeline,
                 test_mode=True),
    sampler=dict(type='DefaultSampler', shuffle=False))
test_evaluator = dict(type='AccMetric')
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=3)
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=3, by_epoch=True,
                        begin=0, end=3)]
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1),
                     logger=dict(type='LoggerHook', interval=1))
"""


def test_latency_not_timed_with_zero_repeats(fake, rows, tmp_path):
    records = StudyRunner(rows[:1], [0], str(tmp_path / 'w'),
                          latency_repeats=0, log=lambda _: None).run()
    assert 'latency_ms' not in records[0]['values']
