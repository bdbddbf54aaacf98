# Copyright (c) OpenMMLab. All rights reserved.
"""``torch.compile`` (inductor, CPU) as users turn it on: every family's
tiny model predicts what it predicts in eager mode.

Graph breaks are allowed (the data samples of ``predict`` are Python
objects); errors and different predictions are not.

Inductor compiles each tiny model in 45-180 s on a busy 2-core CPU, so the
``slow`` run compiles TIN and MoViNet (about 2 minutes); the other families
(TDN, ResNet-RS, the MoViNet stream, AdaFocus, AdaMML, LSTS) run with
``MMTIN_COMPILE_ALL=1`` (on a quiet machine: each passed here, cold
compile times in the commit message).
"""
import os

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from export_tiny_configs import TINY

pytestmark = pytest.mark.slow
heavy = pytest.mark.skipif(
    os.environ.get('MMTIN_COMPILE_ALL') != '1',
    reason='compiles for minutes on a CPU: set MMTIN_COMPILE_ALL=1')


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


@pytest.mark.parametrize('family', [
    'tin', 'movinet',
    pytest.param('tdn', marks=heavy),
    pytest.param('resnet3d_rs', marks=heavy)
])
def test_compiled_predictions_equal_eager(family):
    model, x = _tiny(family)
    _assert_compiled_equal(model, x)


@heavy
def test_compiled_movinet_stream_step_equals_eager():
    model, _ = _tiny('stream')
    model.eval()
    torch.manual_seed(1)
    chunks = torch.randn(1, 3, 4, 32, 32).split(2, dim=2)

    def run(step):
        states = {}
        with torch.no_grad():
            for chunk in chunks:
                pooled, states = step(chunk, states)
        return model.cls_head(pooled)

    torch._dynamo.reset()
    eager = run(model.stream_step)
    compiled = run(torch.compile(model.stream_step, backend='inductor'))
    torch._dynamo.reset()
    torch.testing.assert_close(compiled, eager, rtol=1e-4, atol=1e-5)


@heavy
def test_compiled_adafocus_with_early_exit_equals_eager():
    from test_models.test_recognizers.test_adafocus_recognizer import (
        batch, build)
    model = build(patch_mode='v2').eval()
    model.test_cfg['exit_threshold'] = 0.34
    _assert_compiled_equal(model, batch(n=2), n=2)


@heavy
def test_compiled_adamml_equals_eager():
    from adamml_helpers import tiny_inputs, tiny_model_cfg
    torch.manual_seed(0)
    model = MODELS.build(tiny_model_cfg())
    _assert_compiled_equal(model, tiny_inputs(num=2), n=2)


@heavy
def test_compiled_lsts_propagation_equals_eager():
    from test_models.test_recognizers.test_lsts_propagation import _build
    torch.manual_seed(0)
    _assert_compiled_equal(_build(), torch.randn(1, 4, 3, 32, 32))
