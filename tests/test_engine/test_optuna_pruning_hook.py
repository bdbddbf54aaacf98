# Copyright (c) OpenMMLab. All rights reserved.
"""OptunaPruningHook: reports per epoch, stops the loop when pruned."""
import math
from types import SimpleNamespace

import optuna
import pytest
import torch

from mmtin.engine.hooks import OptunaPruningHook


def _runner(epoch):
    loop = SimpleNamespace(max_epochs=10, stop_training=False)
    logs = []
    return SimpleNamespace(
        train_loop=loop, epoch=epoch, iter=epoch * 5,
        logger=SimpleNamespace(info=logs.append))


def test_reports_every_epoch_and_stops_the_loop_when_pruned():
    # ThresholdPruner(lower=0.6): prune once a reported value is < 0.6
    study = optuna.create_study(
        direction='maximize', pruner=optuna.pruners.ThresholdPruner(0.6))
    trial = study.ask()
    hook = OptunaPruningHook(trial, metric='acc/top1')
    runner = _runner(1)
    hook.after_val_epoch(runner, {'acc/top1': 0.9, 'acc/top5': 1.0})
    assert not hook.pruned and not runner.train_loop.stop_training
    runner.epoch = 2
    hook.after_val_epoch(runner, {'acc/top1': 0.5})
    assert hook.pruned and runner.train_loop.stop_training
    assert hook.history == [(1, 0.9), (2, 0.5)]
    frozen = study.get_trials()[0]
    assert frozen.intermediate_values == {1: 0.9, 2: 0.5}


def test_missing_metric_and_nan_are_errors():
    hook = OptunaPruningHook(None, metric='acc/top1')
    with pytest.raises(KeyError, match=r"'acc/top1'.*acc/mean1"):
        hook.after_val_epoch(_runner(1), {'acc/mean1': 0.5})
    with pytest.raises(FloatingPointError, match='validation acc/top1'):
        hook.after_val_epoch(_runner(1), {'acc/top1': math.nan})
    with pytest.raises(FloatingPointError, match='loss is nan'):
        hook.after_train_iter(_runner(0), 0, None,
                              dict(loss=torch.tensor(float('nan'))))
    # finite losses pass, and without a trial the hook only records
    hook.after_train_iter(_runner(0), 0, None, dict(loss=torch.tensor(1.)))
    hook.after_val_epoch(_runner(3), {'acc/top1': 0.7})
    assert hook.last == 0.7 and not hook.pruned
