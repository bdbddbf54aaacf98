# Copyright (c) OpenMMLab. All rights reserved.
import pytest
from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.optim import OptimWrapperDict
from torch import nn

import mmtin  # noqa: F401


class Net(nn.Module):

    def __init__(self):
        super().__init__()
        self.glancer = nn.Linear(2, 2)
        self.focuser = nn.Linear(2, 2)
        self.policy = nn.Linear(2, 3)


def _build(cfg):
    return OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type='SubmoduleOptimWrapperConstructor',
             optim_wrapper_cfg=cfg))


def test_splits_parameters_by_module():
    net = Net()
    wrappers = _build(dict(
        main=dict(type='OptimWrapper',
                  optimizer=dict(type='SGD', lr=0.1), modules=None),
        policy=dict(type='OptimWrapper',
                    optimizer=dict(type='Adam', lr=3e-4),
                    modules=['policy'])))(net)
    assert isinstance(wrappers, OptimWrapperDict)

    def ids(w):
        return {id(p) for g in w.optimizer.param_groups for p in g['params']}

    assert ids(wrappers['policy']) == {id(p) for p in net.policy.parameters()}
    assert ids(wrappers['main']) == {
        id(p) for m in (net.glancer, net.focuser) for p in m.parameters()}
    assert type(wrappers['policy'].optimizer).__name__ == 'Adam'


def test_bad_configs():
    with pytest.raises(KeyError, match='optim_wrapper.policy.modules'):
        _build(dict(policy=dict(optimizer=dict(type='SGD', lr=1.),
                                modules=['actor'])))(Net())
    with pytest.raises(ValueError, match='modules=None'):
        _build(dict(a=dict(optimizer=dict(type='SGD', lr=1.)),
                    b=dict(optimizer=dict(type='SGD', lr=1.))))
