# Copyright (c) OpenMMLab. All rights reserved.
"""Killed runs resume to bitwise-identical weights (tools/train.py).

A tiny Recognizer2D (random SampleFrames offsets, random flips, dropout,
one dataloader worker, SGD with momentum, a step LR schedule) is trained for
3 epochs of 2 iterations on generated videos with ``--seed 0
--deterministic``. Runs that are SIGKILLed (mid-epoch, or in the middle of
writing a checkpoint) and restarted with ``--resume`` must end with exactly
the weights of the uninterrupted run. ``EpochSeedHook`` makes the random
streams of each epoch independent of the interruption;
``AtomicCheckpointHook`` keeps ``last_checkpoint`` pointing at a complete
checkpoint.
"""
from pathlib import Path

import pytest
import torch

import robustness_helpers as helpers

MAX_EPOCHS = 3


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp('interruption')
    ann = helpers.make_video_set(root / 'data')
    return root, ann


@pytest.fixture(scope='module')
def server():
    return helpers.train_server()


def _config(root, ann, name, **kwargs):
    cfg = helpers.tiny_config(ann, ann.parent / 'videos', num_workers=1,
                              max_epochs=MAX_EPOCHS, **kwargs)
    return helpers.write_config(root / f'{name}.py', cfg)


@pytest.fixture(scope='module')
def reference(setup, server):
    """Final weights of the uninterrupted run."""
    root, ann = setup
    config = _config(root, ann, 'reference')
    work_dir = root / 'reference'
    code, log = server.run(config, work_dir)
    assert code == 0, log[-4000:]
    return helpers.load_state_dict(work_dir / f'epoch_{MAX_EPOCHS}.pth')


def _assert_same_weights(state, reference):
    assert state.keys() == reference.keys()
    for key, value in reference.items():
        assert torch.equal(state[key], value), f'{key} differs'


def _last_checkpoint(work_dir) -> Path:
    return Path((Path(work_dir) / 'last_checkpoint').read_text().strip())


@pytest.mark.slow
def test_sigkill_mid_epoch_then_resume(setup, server, reference):
    root, ann = setup
    work_dir, marker = root / 'mid_epoch', root / 'mid_epoch.marker'
    # stall (then SIGKILL) before the 2nd iteration of the 3rd epoch
    stall = dict(type='StallAtIterHook', epoch=2, batch=1,
                 marker=str(marker))
    config = _config(root, ann, 'mid_epoch', extra_hooks=[stall])
    server.run_until_marker(config, work_dir, marker)
    assert _last_checkpoint(work_dir) == work_dir / 'epoch_2.pth'
    assert not (work_dir / 'epoch_3.pth').exists()

    code, log = server.run(
        _config(root, ann, 'mid_epoch_resume'), work_dir, '--resume')
    assert code == 0, log[-4000:]
    assert 'resumed epoch: 2' in log
    _assert_same_weights(
        helpers.load_state_dict(work_dir / 'epoch_3.pth'), reference)


@pytest.mark.slow
def test_sigkill_during_checkpoint_write_then_resume(setup, server,
                                                     reference):
    root, ann = setup
    work_dir, marker = root / 'ckpt_write', root / 'ckpt_write.marker'
    # keep one checkpoint: MMEngine's own hook deletes epoch_1.pth before
    # writing epoch_2.pth, leaving last_checkpoint dangling if killed
    config = _config(root, ann, 'ckpt_write', max_keep_ckpts=1)
    server.run_until_marker(
        config, work_dir, marker,
        ROBUSTNESS_BLOCK_WRITE='epoch_2.pth', ROBUSTNESS_MARKER=marker)
    partial = Path(marker.read_text())
    assert partial.parent == work_dir and partial.name != 'epoch_2.pth'
    assert partial.exists() and not (work_dir / 'epoch_2.pth').exists()
    last = _last_checkpoint(work_dir)
    assert last == work_dir / 'epoch_1.pth'
    state = helpers.load_state_dict(last)  # complete and loadable
    assert state.keys() == reference.keys()

    code, log = server.run(config, work_dir, '--resume')
    assert code == 0, log[-4000:]
    assert 'resumed epoch: 1' in log
    assert not partial.exists(), 'the partial temp file was not cleaned up'
    assert sorted(p.name for p in work_dir.glob('*.pth')) == ['epoch_3.pth']
    _assert_same_weights(
        helpers.load_state_dict(work_dir / 'epoch_3.pth'), reference)


@pytest.mark.slow
def test_stock_checkpoint_hook_control(setup, server):
    """Control: MMEngine's own CheckpointHook, killed the same way, leaves
    ``last_checkpoint`` naming a checkpoint it already deleted."""
    root, ann = setup
    work_dir, marker = root / 'stock', root / 'stock.marker'
    config = _config(root, ann, 'stock', max_keep_ckpts=1,
                     checkpoint_hook='CheckpointHook')
    server.run_until_marker(
        config, work_dir, marker,
        ROBUSTNESS_BLOCK_WRITE='epoch_2.pth', ROBUSTNESS_MARKER=marker)
    assert Path(marker.read_text()) == work_dir / 'epoch_2.pth'  # in place
    assert _last_checkpoint(work_dir) == work_dir / 'epoch_1.pth'
    assert not (work_dir / 'epoch_1.pth').exists()
