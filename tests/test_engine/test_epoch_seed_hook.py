# Copyright (c) OpenMMLab. All rights reserved.
"""EpochSeedHook: each epoch's random streams depend on (seed, epoch) only."""
import random
from functools import partial
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.dataset import worker_init_fn

import mmtin  # noqa: F401
from mmtin.engine.hooks import EpochSeedHook
from mmtin.engine.hooks.epoch_seed_hook import epoch_seed


class _Draws(torch.utils.data.Dataset):
    """Every item is what the three generators give in the worker."""

    def __len__(self):
        return 4

    def __getitem__(self, idx):
        return (random.random(), float(np.random.rand()),
                float(torch.rand(())))


def _runner(seed, epoch, loader=None):
    warnings = []
    logger = SimpleNamespace(warning=warnings.append)
    loop = SimpleNamespace(dataloader=loader or SimpleNamespace(
        num_workers=0))
    return SimpleNamespace(seed=seed, epoch=epoch, train_loop=loop,
                           logger=logger, warnings=warnings)


def _draw():
    return (random.random(), float(np.random.rand()), float(torch.rand(())),
            float(torch.nn.functional.dropout(torch.ones(8), 0.5).sum()))


def test_epoch_seed():
    seeds = {epoch_seed(s, e) for s in range(5) for e in range(50)}
    assert len(seeds) == 250  # distinct per (seed, epoch)
    assert all(0 <= s < 2**32 - 2**10 for s in seeds)
    assert epoch_seed(3, 7) == epoch_seed(3, 7)
    with pytest.raises(ValueError, match='seed and epoch'):
        epoch_seed(-1, 0)


def test_main_process_streams_restart_per_epoch():
    hook = EpochSeedHook()
    hook.before_train_epoch(_runner(seed=0, epoch=2))
    first = _draw()
    _draw()  # the interrupted run consumed more random numbers
    torch.manual_seed(1234)
    hook.before_train_epoch(_runner(seed=0, epoch=2))
    assert _draw() == first
    hook.before_train_epoch(_runner(seed=0, epoch=3))
    assert _draw() != first
    hook.before_train_epoch(_runner(seed=1, epoch=2))
    assert _draw() != first


def test_workers_are_reseeded_per_epoch():
    loader = torch.utils.data.DataLoader(
        _Draws(), batch_size=None, num_workers=2,
        worker_init_fn=partial(worker_init_fn, num_workers=2, rank=0,
                               seed=5))
    hook = EpochSeedHook()

    def epoch_draws(epoch):
        hook.before_train_epoch(_runner(0, epoch, loader))
        return [tuple(x) for x in loader]

    first = epoch_draws(0)
    assert loader.worker_init_fn.func is worker_init_fn
    assert loader.worker_init_fn.keywords == dict(
        num_workers=2, rank=0, seed=epoch_seed(0, 0))
    assert epoch_draws(1) != first  # MMEngine alone repeats them
    assert epoch_draws(0) == first


def test_persistent_workers_warn_once():
    original = partial(worker_init_fn, num_workers=1, rank=0, seed=5)
    loader = torch.utils.data.DataLoader(
        _Draws(), num_workers=1, persistent_workers=True,
        worker_init_fn=original)
    hook = EpochSeedHook()
    runner = _runner(0, 0, loader)
    hook.before_train_epoch(runner)
    hook.before_train_epoch(runner)
    assert loader.worker_init_fn is original
    assert len(runner.warnings) == 1
    assert 'persistent_workers=True' in runner.warnings[0]
