# Copyright (c) OpenMMLab. All rights reserved.
"""The 3D ResNet-RS configs load, carry the published recipe (EMA, label
smoothing, cosine schedule), build, and RS-50 runs a loss step."""
import pytest
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401

# name: (depth, frames, classes, published top-1; seed_systems.md section 2)
CONFIGS = {
    'resnet3d_rs50_k400': (50, 32, 400, 78.2),
    'resnet3d_rs101_k400': (101, 32, 400, 79.5),
    'resnet3d_rs152_k400': (152, 32, 400, 79.9),
    'resnet3d_rs200_k400': (200, 32, 400, 80.4),
    'resnet3d_rs200_48x2_k400': (200, 48, 400, 81.0),
    'resnet3d_rs200_k600': (200, 32, 600, 83.1),
}


def _load(repo_root, name):
    return Config.fromfile(str(repo_root / 'configs' / f'{name}.py'))


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_config_recipe_and_build(repo_root, name):
    depth, frames, classes, top1 = CONFIGS[name]
    cfg = _load(repo_root, name)
    assert cfg.custom_imports == dict(
        imports=['mmtin'], allow_failed_imports=False)
    assert cfg.zoo_info.published_top1 == top1
    # recipe: SGD Nesterov, lr 0.8 at batch 1024 scaled linearly
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.momentum, opt.nesterov) == ('SGD', 0.9, True)
    assert opt.weight_decay == 4e-5
    assert cfg.auto_scale_lr.base_batch_size == 8 * cfg.train_dataloader.\
        batch_size
    assert opt.lr == pytest.approx(0.8 * cfg.auto_scale_lr.base_batch_size /
                                   1024)
    warmup, cosine = cfg.param_scheduler
    assert (warmup.type, warmup.end) == ('LinearLR', 5)
    assert (cosine.type, cosine.begin, cosine.end) == ('CosineAnnealingLR',
                                                        5, 350)
    assert cfg.train_cfg.max_epochs == 350
    ema = [h for h in cfg.custom_hooks if h.type == 'EMAHook']
    assert len(ema) == 1 and ema[0].momentum == pytest.approx(1e-4)
    assert cfg.model.cls_head.label_smooth_eps == 0.1
    assert cfg.model.cls_head.dropout_ratio == 0.5
    assert cfg.model.cls_head.num_classes == classes
    bb = cfg.model.backbone
    assert (bb.type, bb.depth, bb.se_ratio, bb.drop_path_rate) == (
        'ResNet3dRS', depth, 0.25, 0.1)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        pipeline = cfg[loader].dataset.pipeline
        sample = next(s for s in pipeline if s.type == 'SampleFrames')
        assert (sample.clip_len, sample.frame_interval) == (frames, 2)
        for step in pipeline:
            TRANSFORMS.get(step.type)
    assert f'kinetics{classes}' in cfg.train_dataloader.dataset.ann_file
    # build at a tiny width (the layout is what the config decides)
    init_default_scope('mmaction')
    cfg.model.backbone.update(base_channels=2, stem_channels=2)
    model = MODELS.build(cfg.model)
    assert model.backbone.depth == depth


def test_rs50_config_loss_step(repo_root):
    cfg = _load(repo_root, 'resnet3d_rs50_k400')
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    inputs = [torch.randint(0, 255, (1, 3, 8, 32, 32), dtype=torch.uint8)
              for _ in range(2)]
    samples = [ActionDataSample().set_gt_label(i) for i in (3, 7)]
    data = model.data_preprocessor(
        dict(inputs=inputs, data_samples=samples), True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
    assert model.backbone.layer4[2].self_gating.fc.weight.grad is not None
