# Copyright (c) OpenMMLab. All rights reserved.
"""setup_distributed: gloo + DeviceAwareDDP + process group on the CPU."""
import pytest
import torch
from mmengine.config import Config

import mmtin.engine.dist_setup as dist_setup


def _cfg(**extra):
    return Config(dict(env_cfg=dict(dist_cfg=dict(backend='nccl')),
                       **extra))


@pytest.fixture
def fake_init(monkeypatch):
    """Record init_dist calls and what torch.cuda.set_device does then."""
    calls = []

    def init_dist(launcher, **kwargs):
        # what mmengine's _init_dist_pytorch does first
        torch.cuda.set_device(0)
        calls.append((launcher, kwargs))

    monkeypatch.setattr(dist_setup, 'init_dist', init_dist)
    monkeypatch.setattr(dist_setup, 'is_distributed', lambda: False)
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    return calls


def test_no_launcher_changes_nothing(fake_init):
    cfg = _cfg()
    assert dist_setup.setup_distributed(cfg, 'none') is False
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in cfg
    assert fake_init == []


def test_gpu_machine_changes_nothing(fake_init, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = _cfg()
    assert dist_setup.setup_distributed(cfg, 'pytorch') is False
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert fake_init == []


def test_cpu_launch_uses_gloo(fake_init):
    original = torch.cuda.set_device
    cfg = _cfg()
    assert dist_setup.setup_distributed(cfg, 'pytorch') is True
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg == dict(type='mmaction.DeviceAwareDDP')
    # set_device was a no-op during init_dist, and is restored afterwards
    assert fake_init == [('pytorch', dict(backend='gloo'))]
    assert torch.cuda.set_device is original


def test_cpu_launch_keeps_wrapper_options(fake_init):
    cfg = _cfg(model_wrapper_cfg=dict(find_unused_parameters=True))
    dist_setup.setup_distributed(cfg, 'slurm')
    assert cfg.model_wrapper_cfg == dict(
        type='mmaction.DeviceAwareDDP', find_unused_parameters=True)
    custom = _cfg(model_wrapper_cfg=dict(type='MMFullyShardedDataParallel'))
    dist_setup.setup_distributed(custom, 'pytorch')
    assert custom.model_wrapper_cfg.type == 'MMFullyShardedDataParallel'
    assert [c[0] for c in fake_init] == ['slurm', 'pytorch']


def test_config_without_env_cfg(fake_init):
    cfg = Config(dict())
    dist_setup.setup_distributed(cfg, 'mpi')
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
