# Copyright (c) OpenMMLab. All rights reserved.
"""DeviceAwareDDP wraps CPU modules where MMDistributedDataParallel (with
the ``device_ids`` the Runner always passes) refuses them."""
import socket

import pytest
import torch
import torch.distributed as dist
from torch import nn

import mmtin  # noqa: F401
from mmaction.registry import MODEL_WRAPPERS
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS as ROOT_MODEL_WRAPPERS

from mmtin.engine import DeviceAwareDDP


@pytest.fixture
def gloo_group():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    dist.init_process_group(
        'gloo', init_method=f'tcp://127.0.0.1:{port}', rank=0, world_size=1)
    yield
    dist.destroy_process_group()


def test_registered_where_the_runner_finds_it():
    assert MODEL_WRAPPERS.get('DeviceAwareDDP') is DeviceAwareDDP
    # Runner.wrap_model looks types up in MMEngine's root registry
    assert ROOT_MODEL_WRAPPERS.get('mmaction.DeviceAwareDDP') is \
        DeviceAwareDDP
    assert issubclass(DeviceAwareDDP, MMDistributedDataParallel)


def test_wraps_cpu_module_with_device_ids(gloo_group):
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    with pytest.raises(ValueError, match='device_ids'):
        MMDistributedDataParallel(module=nn.Linear(3, 2), device_ids=[0])
    wrapped = DeviceAwareDDP(module=model, device_ids=[0],
                             broadcast_buffers=False)
    assert wrapped.device_ids is None
    assert wrapped.module is model
    x = torch.randn(4, 3)
    out = wrapped(x)
    torch.testing.assert_close(out, x @ model.weight.T + model.bias)
    out.sum().backward()
    # one process: the all-reduced gradient is the local one
    torch.testing.assert_close(model.bias.grad, torch.full((2, ), 4.))
