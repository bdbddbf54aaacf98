# Copyright (c) OpenMMLab. All rights reserved.
"""GumbelTemperatureHook anneals tau = 5 * 0.965 ** epoch."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub

from mmtin.engine.hooks import GumbelTemperatureHook


def test_anneals_per_epoch():
    policy = torch.nn.Linear(1, 1)
    policy.tau = 123.0
    model = torch.nn.Module()
    model.policy = policy
    hook = GumbelTemperatureHook()
    hub = MessageHub.get_instance('gumbel_hook_test')
    for epoch in (0, 1, 7):
        runner = SimpleNamespace(model=model, epoch=epoch, message_hub=hub)
        hook.before_train_epoch(runner)
        assert policy.tau == pytest.approx(5.0 * 0.965**epoch)
    assert hub.get_scalar('train/gumbel_tau').current() == pytest.approx(
        5.0 * 0.965**7)


def test_errors():
    with pytest.raises(ValueError, match='decay'):
        GumbelTemperatureHook(decay=1.5)
    runner = SimpleNamespace(model=torch.nn.Module(), epoch=0,
                             message_hub=None)
    with pytest.raises(AttributeError, match='policy_attr'):
        GumbelTemperatureHook().before_train_epoch(runner)
