# Copyright (c) OpenMMLab. All rights reserved.
"""configs/lsts/*: every config builds (pretrained=None) and runs; the K400
ones keep their pretrained URLs; the evidence trio differs only in the
propagation settings; the offsets' lr multiplier reaches the optimizer."""
import copy

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.utils.config_walker import disable_pretrained

CONFIGS = ('lsts_r18_moving_object.py', 'plain_r18_moving_object.py',
           'copy_r18_moving_object.py', 'lsts_neck_tsn_r18_demo.py',
           'lsts_propagation_r18_demo.py', 'lsts_neck_tsm_r50_8x_k400.py',
           'lsts_propagation_r50_8x_k400.py')


def _load(repo_root, name):
    init_default_scope('mmaction')
    return Config.fromfile(str(repo_root / 'configs' / 'lsts' / name))


def test_all_configs_are_listed(repo_root):
    found = {p.name for p in (repo_root / 'configs' / 'lsts').glob('*.py')
             if not p.name.startswith('_')}
    assert found == set(CONFIGS)


@pytest.mark.parametrize('name', CONFIGS)
def test_config_builds_and_runs(repo_root, name):
    cfg = _load(repo_root, name)
    model_cfg = copy.deepcopy(cfg.model.to_dict())
    changed = disable_pretrained(model_cfg)
    if 'k400' in name:
        assert cfg.model.backbone.pretrained == 'torchvision://resnet50'
        assert changed
    model = MODELS.build(model_cfg)
    model.init_weights()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    offsets = [m.offsets for m in model.modules() if hasattr(m, 'offsets')]
    for group in optim.optimizer.param_groups:
        if any(p is o for p in group['params'] for o in offsets):
            mult = cfg.optim_wrapper.paramwise_cfg.custom_keys[
                '.offsets']['lr_mult']
            assert group['lr'] == pytest.approx(
                cfg.optim_wrapper.optimizer.lr * mult)
            assert group['weight_decay'] == 0
    if 'k400' in name:
        return  # ResNet-50 forward is too slow for the unit tests
    size = 32
    model.eval()
    with torch.no_grad():
        scores, _ = model.extract_feat(
            torch.randn(1, cfg.num_segments, 3, size, size), stage='head')
    assert scores.shape == (1, cfg.model.cls_head.num_classes)


def test_evidence_trio_differs_only_in_propagation(repo_root):
    models = {m: _load(repo_root, f'{m}_r18_moving_object.py').model
              for m in ('plain', 'lsts', 'copy')}
    for m in models.values():
        m.pop('keyframe_interval')
        m.pop('propagation', None)
    assert models['plain'] == models['lsts'] == models['copy']
    assert _load(repo_root,
                 'lsts_r18_moving_object.py').model.keyframe_interval == 4
