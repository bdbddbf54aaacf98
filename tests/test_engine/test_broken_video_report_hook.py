# Copyright (c) OpenMMLab. All rights reserved.
"""Broken videos stop training/testing, or are skipped and counted."""
import copy
import re
import warnings

import pytest
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.runner import Runner
import robustness_helpers as helpers

import mmtin  # noqa: F401
from mmtin.datasets.checked_video_dataset import (SKIPPED_KEY,
                                                  BrokenVideoError)
from mmtin.engine.hooks import BrokenVideoReportHook


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    """4 good videos and a garbage one (line 3) in ``ann.txt``."""
    root = tmp_path_factory.mktemp('broken_report')
    ann = helpers.make_video_set(root, num_videos=4, num_frames=8)
    (root / 'videos' / 'bad.mp4').write_bytes(b'\x00not a video' * 100)
    lines = ann.read_text().splitlines()
    lines.insert(2, 'bad.mp4 1')
    ann.write_text('\n'.join(lines) + '\n')
    return root, ann


def _runner(data, tmp_path, name, skip_broken):
    root, ann = data
    # one dataloader worker: errors and skip records cross a process
    cfg = helpers.tiny_config(ann, root / 'videos', max_epochs=2,
                              batch_size=2, num_workers=1,
                              skip_broken=skip_broken)
    cfg.pop('custom_imports')
    test_dataset = copy.deepcopy(cfg['train_dataloader']['dataset'])
    test_dataset['test_mode'] = True
    test_dataset['pipeline'][1]['test_mode'] = True
    cfg.update(
        work_dir=str(tmp_path / name), experiment_name=name,
        default_hooks=dict(logger=dict(type='LoggerHook', interval=1),
                           checkpoint=None),
        test_dataloader=dict(batch_size=1, num_workers=0,
                             sampler=dict(type='DefaultSampler',
                                          shuffle=False),
                             dataset=test_dataset),
        test_cfg=dict(type='TestLoop'),
        test_evaluator=dict(type='AccMetric'))
    return Runner.from_cfg(Config(cfg))


@pytest.mark.slow
def test_broken_video_stops_training_and_testing(data, tmp_path):
    root, ann = data
    runner = _runner(data, tmp_path, 'stops', skip_broken=False)
    expected = f'"{root / "videos" / "bad.mp4"}" (listed in {ann}, line 3)'
    with pytest.raises(BrokenVideoError, match=re.escape(expected)):
        runner.train()
    with pytest.raises(BrokenVideoError) as info:
        runner.test()
    assert (info.value.ann_file, info.value.line) == (str(ann), 3)


@pytest.mark.slow
def test_skipped_videos_are_counted_and_logged(data, tmp_path):
    root, ann = data
    runner = _runner(data, tmp_path, 'skips', skip_broken=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        runner.train()
        hub = runner.message_hub
        # each epoch draws the bad sample once (and possibly again as a
        # random replacement): one broken video, counted once
        assert hub.get_info('mmtin/broken_skipped') == 1
        assert hub.get_info('mmtin/broken_skipped_total') == 1
        runner.test()
    assert hub.get_info('mmtin/broken_left_out_test') == 1
    text = next((tmp_path / 'skips').glob('*/*.log')).read_text()
    where = f'{root / "videos" / "bad.mp4"} ({ann}:3)'
    assert 'epoch 1: skipped' in text and where in text
    assert f'test: 1 broken samples were left out of the evaluation: ' \
        f'{where}' in text


class _Sample:

    def __init__(self, skipped=None):
        self.metainfo = {SKIPPED_KEY: skipped} if skipped else {}


class _FakeRunner:

    def __init__(self):
        self.epoch = 0
        self.message_hub = MessageHub.get_instance('broken_report_unit')
        self.warnings = []
        self.logger = self

    def warning(self, msg):
        self.warnings.append(msg)


def test_hook_sums_batches_and_lists_distinct_samples():
    hook = BrokenVideoReportHook(max_listed=1)
    runner = _FakeRunner()
    hook.before_train_epoch(runner)
    batch = dict(data_samples=[_Sample(['a (ann:1)', 'b (ann:2)']),
                               _Sample()])
    hook.after_train_iter(runner, 0, batch)
    hook.after_train_iter(runner, 1, dict(data_samples=[_Sample(
        ['a (ann:1)'])]))
    hook.after_train_iter(runner, 2, dict(data_samples=[_Sample()]))
    hook.after_train_epoch(runner)
    # 'a' was skipped twice: 2 broken videos, not 3 skips (#23)
    assert runner.message_hub.get_info('mmtin/broken_skipped') == 2
    assert runner.warnings == [
        'epoch 1: skipped 2 broken training videos (2 so far in this '
        'run): a (ann:1) and 1 more'
    ]
    hook.before_train_epoch(runner)
    hook.after_train_epoch(runner)  # a clean epoch: nothing logged
    assert runner.message_hub.get_info('mmtin/broken_skipped') == 0
    assert runner.message_hub.get_info('mmtin/broken_skipped_total') == 2
    assert len(runner.warnings) == 1
    hook.before_train_epoch(runner)  # the same video again: still 2
    hook.after_train_iter(runner, 0, dict(data_samples=[_Sample(
        ['a (ann:1)'])]))
    hook.after_train_epoch(runner)
    assert runner.message_hub.get_info('mmtin/broken_skipped_total') == 2
    with pytest.raises(ValueError, match='max_listed'):
        BrokenVideoReportHook(max_listed=-1)
