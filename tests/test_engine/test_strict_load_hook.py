# Copyright (c) OpenMMLab. All rights reserved.
"""``StrictLoadHook``: the Runner's ``load_from`` (tools/test.py, and
tools/train.py's load_from) fails on a checkpoint of another architecture,
naming the keys, unless ``--non-strict`` / ``checkpoint_strict=False``."""
import logging
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config

import mmtin  # noqa: F401
from mmtin.apis import CheckpointMismatchError
from mmtin.engine import StrictLoadHook, add_strict_load_hook


def _runner(model, load_from):
    return SimpleNamespace(model=model, _load_from=load_from,
                           logger=logging.getLogger('strict-load-test'))


def _model():
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(),
                               torch.nn.Linear(3, 2))


def test_hook_names_missing_and_unexpected_keys(tmp_path):
    other = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))  # another model
    path = tmp_path / 'other.pth'
    torch.save({'state_dict': other.state_dict()}, path)
    with pytest.raises(CheckpointMismatchError) as info:
        StrictLoadHook().before_run(_runner(_model(), str(path)))
    message = str(info.value)
    assert str(path) in message
    assert '2 missing key(s): 2.weight, 2.bias' in message
    assert '0.weight (4, 3, 3, 3) vs (3, 4)' in message
    assert '--non-strict' in message and 'checkpoint_strict' in message
    StrictLoadHook(strict=False).before_run(_runner(_model(), str(path)))
    StrictLoadHook().before_run(_runner(_model(), None))  # nothing to load


def test_hook_passes_a_fitting_checkpoint(tmp_path):
    model = _model()
    path = tmp_path / 'same.pth'
    torch.save({'state_dict': {f'module.{k}': v for k, v in
                               model.state_dict().items()}}, path)
    StrictLoadHook().before_run(_runner(_model(), str(path)))


def test_add_strict_load_hook_flag_and_config_key():
    cfg = Config(dict(custom_hooks=[dict(type='EpochSeedHook')]))
    assert add_strict_load_hook(cfg) is True
    assert add_strict_load_hook(cfg) is True  # once
    assert cfg.custom_hooks == [dict(type='EpochSeedHook'),
                                dict(type='StrictLoadHook', strict=True)]
    assert add_strict_load_hook(cfg, non_strict=True) is False
    assert cfg.custom_hooks[-1] == dict(type='StrictLoadHook', strict=False)
    cfg = Config(dict(checkpoint_strict=False))
    assert add_strict_load_hook(Config(cfg.to_dict())) is False
    # tools/test.py: the config's key is about its own load_from
    assert add_strict_load_hook(cfg, from_config=False) is True
    with pytest.raises(TypeError, match='checkpoint_strict'):
        add_strict_load_hook(Config(dict(checkpoint_strict='no')))
