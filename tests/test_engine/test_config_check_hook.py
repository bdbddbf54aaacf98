# Copyright (c) OpenMMLab. All rights reserved.
"""ConfigCheckHook: config mismatches fail before training, naming keys."""
import copy
import re
from types import SimpleNamespace

import pytest
from mmengine.config import Config
from mmengine.runner import Runner
import robustness_helpers as helpers

import mmtin  # noqa: F401
from mmtin.datasets import CheckedVideoDataset
from mmtin.engine.hooks import ConfigCheckHook
from mmtin.utils import ConfigCheckError


def _pipeline(num_clips, clip_len=1, test_mode=False):
    return [
        dict(type='DecordInit'),
        dict(type='SampleFrames', clip_len=clip_len, frame_interval=1,
             num_clips=num_clips, test_mode=test_mode),
        dict(type='DecordDecode'),
    ]


def _cfg(backbone, train_clips=8, test_clips=8, clip_len=1, head=None):
    def loader(num_clips, test_mode):
        return dict(batch_size=1, dataset=dict(
            type='VideoDataset', ann_file='a.txt',
            pipeline=_pipeline(num_clips, clip_len, test_mode)))
    return Config(dict(
        model=dict(type='Recognizer2D', backbone=backbone,
                   cls_head=head or dict(type='TSNHead', num_classes=5,
                                         in_channels=16)),
        train_dataloader=loader(train_clips, False),
        val_dataloader=loader(test_clips, True),
        test_dataloader=loader(test_clips, True)))


class _FakeRunner:

    def __init__(self, cfg, datasets=None):
        self.cfg = cfg
        self.logger = SimpleNamespace(info=lambda msg: None)
        for split, dataset in (datasets or {}).items():
            loader = SimpleNamespace(dataset=dataset)
            setattr(self, f'_{split}_loop', SimpleNamespace(
                dataloader=loader))


def _problems(cfg, stage='train', datasets=None):
    hook = ConfigCheckHook()
    with pytest.raises(ConfigCheckError) as info:
        getattr(hook, f'before_{stage}')(_FakeRunner(cfg, datasets))
    return str(info.value)


TSM = dict(type='ResNetTSM', depth=18, num_segments=8)


def test_num_clips_against_num_segments():
    msg = _problems(_cfg(TSM, train_clips=4))
    assert 'train_dataloader.dataset.pipeline[1].num_clips gives 4 ' \
        'segments per sample' in msg
    assert 'model.backbone.num_segments is 8' in msg
    assert 'val_dataloader' not in msg  # 8 test clips are fine
    # the class default (ResNetTSM: num_segments=8) counts too
    msg = _problems(_cfg(dict(type='ResNetTSM', depth=18), train_clips=4))
    assert 'model.backbone.num_segments is 8' in msg


def test_test_views_must_be_multiples():
    cfg = _cfg(TSM, test_clips=12)
    msg = _problems(cfg, 'test')
    assert 'test_dataloader.dataset.pipeline[1].num_clips gives 12 ' \
        'segments per sample, not a multiple of model.backbone.' \
        'num_segments (8)' in msg
    assert 'val_dataloader' in _problems(cfg, 'train')
    ConfigCheckHook().before_test(_FakeRunner(_cfg(TSM, test_clips=16)))


def test_head_segments_must_match_backbone():
    head = dict(type='TSMHead', num_classes=5, in_channels=16,
                num_segments=4)
    msg = _problems(_cfg(TSM, head=head))
    assert 'model.cls_head.num_segments (4) differs from ' \
        'model.backbone.num_segments (8)' in msg


def test_tdn_needs_clip_len_5():
    tdn = dict(type='TDNResNet', depth=18, num_segments=8)
    msg = _problems(_cfg(tdn, clip_len=1))
    assert 'train_dataloader.dataset.pipeline[1].clip_len is 1, but the ' \
        'TDN backbone (TDNResNet) needs clip_len=5' in msg
    # with 5-frame clips, segments are counted in clips, not frames
    ConfigCheckHook().before_train(_FakeRunner(_cfg(tdn, clip_len=5)))
    msg = _problems(_cfg(tdn, clip_len=5, train_clips=4))
    assert 'pipeline[1].num_clips gives 4 segments' in msg


def test_all_problems_reported_together():
    msg = _problems(_cfg(TSM, train_clips=4, test_clips=3))
    assert msg.count('\n  - ') == 2  # train and val, in one error


def test_labels_against_num_classes(tmp_path):
    ann = tmp_path / 'ann.txt'
    ann.write_text('a.mp4 0\nb.mp4 4\n\nc.mp4 7\nd.mp4 5\n')
    dataset = CheckedVideoDataset(str(ann), [])
    msg = _problems(_cfg(TSM), datasets=dict(train=dataset))
    assert 'model.cls_head.num_classes is 5' in msg
    assert str(ann) in msg
    assert 'the largest 7: 7 (line 4), 5 (line 5)' in msg
    assert 'set model.cls_head.num_classes to at least 8' in msg
    # -1 (no label) is accepted in test lists, not in training lists
    ann.write_text('a.mp4 -1\nb.mp4 1\n')
    dataset = CheckedVideoDataset(str(ann), [])
    hook = ConfigCheckHook()
    hook.before_test(_FakeRunner(_cfg(TSM), dict(test=dataset)))
    msg = _problems(_cfg(TSM), datasets=dict(train=dataset))
    assert 'negative label(s) in a labelled split: -1 (line 1)' in msg


def test_checks_run_once_per_split():
    hook = ConfigCheckHook()
    runner = _FakeRunner(_cfg(TSM))
    hook.before_train(runner)
    runner.cfg = _cfg(TSM, test_clips=3)  # val already checked: not again
    hook.before_val(runner)
    with pytest.raises(ConfigCheckError, match='test_dataloader'):
        hook.before_test(runner)


@pytest.mark.slow
def test_runner_stops_before_first_iteration(tmp_path):
    """A real Runner: labels 0..3 but num_classes=3."""
    ann = helpers.make_video_set(tmp_path, num_videos=4, num_frames=8)
    cfg = helpers.tiny_config(ann, tmp_path / 'videos', max_epochs=1)
    cfg.pop('custom_imports')
    cfg['model']['cls_head']['num_classes'] = 3
    cfg.update(work_dir=str(tmp_path / 'work'),
               experiment_name='config_check_e2e')
    runner = Runner.from_cfg(Config(copy.deepcopy(cfg)))
    with pytest.raises(ConfigCheckError,
                       match=re.escape(f'{ann} has 1 label(s) >= 3')):
        runner.train()
    assert runner.iter == 0


def test_other_ranks_do_not_repeat_the_listing(monkeypatch):
    """Every rank of a multi-process run printed the whole listing (the
    same ConfigCheckError twice with 2 processes); now rank 0 lists the
    problems and the other ranks fail naming it."""
    import mmtin.engine.hooks.config_check_hook as module
    cfg = _cfg(TSM, train_clips=4)
    full = _problems(cfg)
    assert 'train_dataloader' in full
    monkeypatch.setattr(module, 'get_rank', lambda: 1)
    short = _problems(cfg)
    assert 'train_dataloader' not in short
    assert 'rank 1' in short and 'rank 0 lists the 1 problem(s)' in short
