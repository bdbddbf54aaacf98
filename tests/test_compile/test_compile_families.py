# Copyright (c) OpenMMLab. All rights reserved.
"""``torch.compile`` (inductor, CPU) as users turn it on: every family's
tiny model predicts what it predicts in eager mode.

Graph breaks are allowed (the data samples of ``predict`` are Python
objects); errors and different predictions are not.

Inductor compiles each tiny model in 45-180 s on a busy 2-core CPU, so the
suite compiles TIN and MoViNet (about 2 minutes; the Runner's
``compile=True`` is in ``test_runner_compile.py``). TDN, ResNet-RS, the
MoViNet stream, AdaFocus, AdaMML and LSTS were checked the same way once,
by hand (each equal to eager), and are not in the suite: their compile
time does not fit CI's budget.
"""
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from export_tiny_configs import TINY

pytestmark = pytest.mark.slow


def _samples(n):
    return [ActionDataSample() for _ in range(n)]


def _scores(model, inputs, n):
    with torch.no_grad():
        out = model(inputs, _samples(n), mode='predict')
    return torch.stack([s.pred_score for s in out])


def _assert_compiled_equal(model, inputs, n=1):
    """Eager and inductor-compiled predictions agree."""
    torch._dynamo.reset()
    model = model.eval()
    eager = _scores(model, inputs, n)
    compiled = torch.compile(model, backend='inductor')
    got = _scores(compiled, inputs, n)
    torch.testing.assert_close(got, eager, rtol=1e-4, atol=1e-5)
    torch._dynamo.reset()
    return got


def _tiny(family):
    init_default_scope('mmaction')
    text, shape = TINY[family]
    cfg = Config.fromstring(text, '.py')
    cfg.model.backbone.pop('pretrained', None)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model, torch.randn(shape)


@pytest.mark.parametrize('family', ['tin', 'movinet'])
def test_compiled_predictions_equal_eager(family):
    model, x = _tiny(family)
    _assert_compiled_equal(model, x)
