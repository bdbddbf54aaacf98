# Copyright (c) OpenMMLab. All rights reserved.
"""Contract test: every type mmtin registers builds, runs and back-props.

Cases live in ``tests/contract/cases_*.py``; each file defines ``CASES``, a
dict from registered type name to a dict with:

* ``cfg``: the config to build (``type`` included);
* ``inputs``: a callable returning the positional inputs (a tuple);
* ``call`` (optional): ``call(module, *inputs) -> output``; defaults to
  ``module(*inputs)``;
* ``backward`` (optional, default True): whether a gradient must reach the
  parameters (False for parameter-free transforms/modules).

A type registered by mmtin without a case fails ``test_every_type_has_case``.
"""
import importlib.util
from pathlib import Path

import pytest
import torch

import mmtin  # noqa: F401
from mmaction.registry import MODELS, TRANSFORMS

CASE_DIR = Path(__file__).parent / 'contract'


def _load_cases():
    cases = {}
    for path in sorted(CASE_DIR.glob('cases_*.py')):
        spec = importlib.util.spec_from_file_location(
            f'mmtin_contract_{path.stem}', path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, case in module.CASES.items():
            assert name not in cases, f'{name} has two contract cases'
            cases[name] = case
    return cases


CASES = _load_cases()


def _mmtin_types(registry):
    return sorted(
        name for name, cls in registry.module_dict.items()
        if getattr(cls, '__module__', '').startswith('mmtin'))


MODEL_TYPES = _mmtin_types(MODELS)
TRANSFORM_TYPES = _mmtin_types(TRANSFORMS)


def _tensors(out):
    if isinstance(out, torch.Tensor):
        yield out
    elif isinstance(out, dict):
        for v in out.values():
            yield from _tensors(v)
    elif isinstance(out, (list, tuple)):
        for v in out:
            yield from _tensors(v)
    elif hasattr(out, 'pred_score'):  # ActionDataSample
        yield out.pred_score


def test_every_type_has_case():
    assert MODEL_TYPES, 'mmtin registered no model types'
    missing = [n for n in MODEL_TYPES + TRANSFORM_TYPES if n not in CASES]
    assert not missing, f'registered types without a contract case: {missing}'


@pytest.mark.parametrize('name', MODEL_TYPES)
def test_model_contract(name):
    case = CASES[name]
    torch.manual_seed(0)
    module = MODELS.build(dict(case['cfg']))
    if hasattr(module, 'init_weights'):
        module.init_weights()
    module.train()
    inputs = case['inputs']()
    call = case.get('call', lambda m, *a: m(*a))
    out = call(module, *inputs)
    tensors = [t for t in _tensors(out) if t.is_floating_point()]
    assert tensors, f'{name} produced no floating-point tensor'
    for t in tensors:
        assert torch.isfinite(t).all(), f'{name} produced non-finite values'
    params = [p for p in module.parameters() if p.requires_grad]
    if not case.get('backward', True) or not params:
        return
    loss = sum(t.float().sum() for t in tensors if t.requires_grad)
    assert isinstance(loss, torch.Tensor), f'{name}: output has no grad'
    loss.backward()
    grads = [p.grad for p in params if p.grad is not None]
    assert grads, f'{name}: no parameter received a gradient'
    assert all(torch.isfinite(g).all() for g in grads)
    assert any(g.abs().sum() > 0 for g in grads), f'{name}: all-zero grads'


@pytest.mark.parametrize('name', TRANSFORM_TYPES)
def test_transform_contract(name):
    case = CASES[name]
    transform = TRANSFORMS.build(dict(case['cfg']))
    inputs = case['inputs']()
    call = case.get('call', lambda m, *a: m(*a))
    out = call(transform, *inputs)
    check = case.get('check')
    assert out is not None
    if check is not None:
        check(out)
