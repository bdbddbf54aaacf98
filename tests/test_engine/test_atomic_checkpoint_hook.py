# Copyright (c) OpenMMLab. All rights reserved.
"""AtomicCheckpointHook in-process (the SIGKILL tests are in
tests/test_tools/test_interruption.py)."""
import copy
import os

import pytest
import torch
from mmengine.config import Config
from mmengine.fileio.backends import LocalBackend
from mmengine.runner import Runner
import robustness_helpers as helpers

import mmtin  # noqa: F401
from mmtin.engine.hooks.atomic_checkpoint_hook import (atomic_write_text,
                                                       commit_file)


def test_atomic_write_text_replaces_whole_file(tmp_path, monkeypatch):
    path = tmp_path / 'last_checkpoint'
    atomic_write_text(str(path), 'old')
    atomic_write_text(str(path), 'new')
    assert path.read_text() == 'new'
    assert os.listdir(tmp_path) == ['last_checkpoint']

    def crash(src, dst):  # killed before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(os, 'replace', crash)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(str(path), 'half')
    assert path.read_text() == 'new'


def test_commit_file(tmp_path):
    tmp, final = tmp_path / '.a.tmp-1', tmp_path / 'a'
    tmp.write_bytes(b'123')
    commit_file(str(tmp), str(final))
    assert final.read_bytes() == b'123' and not tmp.exists()


@pytest.fixture(scope='module')
def tiny_set(tmp_path_factory):
    root = tmp_path_factory.mktemp('atomic_ckpt')
    return root, helpers.make_video_set(root, num_videos=4, num_frames=8)


def _cfg(tiny_set, work_dir, name, **checkpoint):
    root, ann = tiny_set
    cfg = helpers.tiny_config(ann, root / 'videos', max_epochs=3,
                              batch_size=2)
    cfg.pop('custom_imports')
    cfg['default_hooks']['checkpoint'].update(checkpoint)
    val_dataset = copy.deepcopy(cfg['train_dataloader']['dataset'])
    val_dataset['pipeline'][1]['test_mode'] = True
    cfg.update(
        work_dir=str(work_dir), experiment_name=name,
        val_dataloader=dict(batch_size=2, num_workers=0,
                            sampler=dict(type='DefaultSampler',
                                         shuffle=False),
                            dataset=val_dataset),
        val_cfg=dict(type='ValLoop'), val_evaluator=dict(type='AccMetric'))
    cfg['train_cfg']['val_interval'] = 1
    return Config(cfg)


@pytest.mark.slow
def test_interrupted_write_keeps_previous_checkpoint(tiny_set, tmp_path,
                                                     monkeypatch):
    """An exception in the middle of writing epoch_2 (max_keep_ckpts=1)."""
    work_dir = tmp_path / 'work'
    original = LocalBackend.put

    def failing_put(self, obj, filepath):
        if 'epoch_2.pth' in str(filepath):
            with open(filepath, 'wb') as f:
                f.write(obj[:100])
            raise KeyboardInterrupt('killed while writing')
        return original(self, obj, filepath)

    monkeypatch.setattr(LocalBackend, 'put', failing_put)
    runner = Runner.from_cfg(
        _cfg(tiny_set, work_dir, 'atomic_interrupt', max_keep_ckpts=1))
    with pytest.raises(KeyboardInterrupt):
        runner.train()
    last = (work_dir / 'last_checkpoint').read_text()
    assert last == str(work_dir / 'epoch_1.pth')
    torch.load(last, weights_only=False)  # complete
    names = sorted(os.listdir(work_dir))
    assert 'epoch_2.pth' not in names
    assert any(n.startswith('.epoch_2.pth.tmp-') for n in names)

    monkeypatch.setattr(LocalBackend, 'put', original)
    runner = Runner.from_cfg(_cfg(tiny_set, work_dir, 'atomic_resume',
                                  max_keep_ckpts=1, save_best='auto'))
    runner._resume = True
    runner.train()
    names = sorted(n for n in os.listdir(work_dir) if 'pth' in n)
    # partial temp file removed, old checkpoints deleted only after the
    # new ones were complete, the best one written atomically too
    assert names[-1] == 'epoch_3.pth' and len(names) == 2
    assert names[0].startswith('best_acc_top1_epoch_')
    for name in names:
        torch.load(work_dir / name, weights_only=False)
    assert (work_dir / 'last_checkpoint').read_text() == str(
        work_dir / 'epoch_3.pth')
