# Copyright (c) OpenMMLab. All rights reserved.
"""The AdaMML configs parse, chain and build."""
from pathlib import Path

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

import mmtin  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / 'configs' / 'adamml'


def test_stages_chain_with_load_from():
    warm = Config.fromfile(DEMO / 'adamml_demo_warmup.py')
    joint = Config.fromfile(DEMO / 'adamml_demo_joint.py')
    fine = Config.fromfile(DEMO / 'adamml_demo_finetune.py')
    assert warm.model.keep_all and warm.load_from is None
    assert warm.model.policy_pretrain_loss_weight > 0
    assert joint.model.policy.type == 'AdaMMLPolicy'
    assert joint.load_from == (
        f'work_dirs/adamml_demo_warmup/epoch_{warm.train_cfg.max_epochs}.pth')
    assert fine.load_from == (
        f'work_dirs/adamml_demo_joint/epoch_{joint.train_cfg.max_epochs}.pth')
    assert 'freeze' not in fine.model
    assert dict(type='FreezeSubmodulesHook', modules=['policy']) in \
        fine.custom_hooks
    assert any(h.type == 'GumbelTemperatureHook' for h in joint.custom_hooks)
    assert joint.optim_wrapper.paramwise_cfg.custom_keys.policy.lr_mult == 10


@pytest.mark.parametrize('name', [
    'adamml_demo_finetune', 'adamml_demo_all_modalities',
    'adamml_demo_rgb_only'
])
def test_demo_models_build(name):
    cfg = Config.fromfile(DEMO / f'{name}.py')
    model = MODELS.build(cfg.model)
    assert model.modalities == tuple(cfg.modalities)


def test_published_model_builds():
    cfg = Config.fromfile(ROOT / 'configs/_base_/models/adamml_r50_mnv2.py')
    cfg.model.subnets.rgb.backbone.pop('init_cfg')
    cfg.model.subnets.audio.backbone.pop('init_cfg')
    for m in ('rgb', 'audio'):
        cfg.model.policy.backbones[m].pop('init_cfg')
    model = MODELS.build(cfg.model)
    assert model.cost_weights == [0.5, 0.05, 0.8] and model.gamma == 10
    # the published inputs run end to end (5-frame motion clips: 12
    # channels of RGB differences into the R50, their mean into the
    # 3-channel MobileNetV2 of the policy), at a small resolution
    torch.manual_seed(0)
    inputs = dict(rgb=torch.randn(1, 2, 3, 64, 64),
                  motion=torch.randn(1, 2, 5, 3, 64, 64),
                  audio=torch.randn(1, 2, 1, 64, 64))
    model.eval()
    with torch.no_grad():
        out = model(inputs, mode='tensor')
    assert out['logits'].shape == (1, 400)
    assert torch.isfinite(out['logits']).all()
    assert out['decisions'].shape[:2] == (1, 2)
    assert model.policy.lstm.hidden_size == 256
