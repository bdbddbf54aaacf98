# Copyright (c) OpenMMLab. All rights reserved.
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import HOOKS
from torch import nn

import mmtin  # noqa: F401


class Net(nn.Module):

    def __init__(self):
        super().__init__()
        self.a = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        self.b = nn.Linear(2, 1)


def _runner(model):
    return SimpleNamespace(
        model=model, logger=SimpleNamespace(info=lambda *a: None))


def test_name_is_new_to_the_stack():
    import mmengine.registry
    import mmpretrain.registry
    assert 'FreezeSubmodulesHook' not in mmengine.registry.HOOKS.module_dict
    assert 'FreezeSubmodulesHook' not in \
        mmpretrain.registry.HOOKS.module_dict


def test_freezes_named_modules_and_keeps_them_in_eval():
    net = Net()
    hook = HOOKS.build(dict(type='FreezeSubmodulesHook', modules=['a']))
    runner = _runner(net)
    hook.before_train(runner)
    assert not any(p.requires_grad for p in net.a.parameters())
    assert all(p.requires_grad for p in net.b.parameters())
    net.train()
    hook.before_train_iter(runner, 0)
    assert not net.a.training and net.b.training
    # a training step changes b only, and a's BN statistics stay put
    optim = torch.optim.SGD(
        [p for p in net.parameters() if p.requires_grad], lr=0.1)
    state = {k: v.clone() for k, v in net.a.state_dict().items()}
    net.b(net.a(torch.randn(8, 2))).sum().backward()
    optim.step()
    for k, v in net.a.state_dict().items():
        assert torch.equal(v, state[k]), k


def test_unknown_module_named():
    hook = HOOKS.build(dict(type='FreezeSubmodulesHook', modules=['c']))
    with pytest.raises(KeyError, match="'c'"):
        hook.before_train(_runner(Net()))
    with pytest.raises(ValueError, match='modules'):
        HOOKS.build(dict(type='FreezeSubmodulesHook', modules='a'))
