# Copyright (c) OpenMMLab. All rights reserved.
"""A recognizer built from a TIN config: extract_feat / loss / predict /
train_step, and the TSM optimiser constructor's parameter groups."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

NUM_CLASSES, FRAMES = 5, 4


@pytest.fixture(scope='module')
def tiny_cfg(repo_root):
    """configs/tin_r50_8x_sthv1.py shrunk to R18, 4 frames, 5 classes."""
    init_default_scope('mmaction')
    cfg = Config.fromfile(str(repo_root / 'configs/tin_r50_8x_sthv1.py'))
    cfg.model.backbone.update(pretrained=None, depth=18, num_segments=FRAMES)
    cfg.model.cls_head.update(
        num_classes=NUM_CLASSES, in_channels=512, num_segments=FRAMES)
    return cfg


def _model(cfg):
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def _samples(labels):
    return [ActionDataSample().set_gt_label(label) for label in labels]


def _data(batch=2, views=1):
    inputs = torch.randint(
        0, 255, (batch, views * FRAMES, 3, 32, 32), dtype=torch.uint8)
    return dict(inputs=list(inputs), data_samples=_samples(range(batch)))


def test_extract_feat_head_stage(tiny_cfg):
    model = _model(tiny_cfg).eval()
    inputs = torch.randn(2, FRAMES, 3, 32, 32)
    with torch.no_grad():
        scores, kwargs = model.extract_feat(inputs, stage='head')
        feats, _ = model.extract_feat(inputs, stage='backbone')
    assert scores.shape == (2, NUM_CLASSES)
    assert feats.shape == (2 * FRAMES, 512, 1, 1)
    assert kwargs['num_segs'] == FRAMES


def test_loss_predict_and_train_step(tiny_cfg):
    model = _model(tiny_cfg)
    data = model.data_preprocessor(_data(), training=True)
    losses = model(**data, mode='loss')
    assert {'loss_cls', 'top1_acc'} <= set(losses)
    assert losses['loss_cls'].ndim == 0 and losses['loss_cls'] > 0

    optim = build_optim_wrapper(model, tiny_cfg.optim_wrapper)
    before = model.backbone.layer2[0].conv1.conv.net1.offset_net.fc1.weight
    before = before.detach().clone()
    log_vars = model.train_step(_data(), optim)
    assert torch.isfinite(log_vars['loss'])
    after = model.backbone.layer2[0].conv1.conv.net1.offset_net.fc1.weight
    assert not torch.equal(before, after)  # TIN parameters are trained

    model.eval()
    with torch.no_grad():
        preds = model.val_step(_data(batch=3, views=2))
    assert len(preds) == 3
    for pred in preds:
        # 2 views of 4 frames, softmax-averaged ('prob'): a distribution
        assert pred.pred_score.shape == (NUM_CLASSES, )
        assert torch.allclose(pred.pred_score.sum(), torch.tensor(1.0))


def test_tsm_optim_constructor_groups(tiny_cfg):
    """fc_lr5: the popped 'last Linear' must be the head's fc_cls (TIN adds
    Linear/Conv1d layers that must land in the ordinary groups)."""
    model = _model(tiny_cfg)
    optim = build_optim_wrapper(model, tiny_cfg.optim_wrapper)
    lr = tiny_cfg.optim_wrapper.optimizer.lr
    wd = tiny_cfg.optim_wrapper.optimizer.weight_decay
    groups = optim.optimizer.param_groups
    ids = {
        id(p): name
        for name, p in model.named_parameters() if p.requires_grad
    }
    seen = [ids[id(p)] for g in groups for p in g['params']]
    assert sorted(seen) == sorted(ids.values())  # each param exactly once

    def names(lr_mult, wd_value):
        return {
            ids[id(p)]
            for g in groups for p in g['params']
            if g['lr'] == pytest.approx(lr * lr_mult)
            and g['weight_decay'] == wd_value
        }

    assert names(5, wd) == {'cls_head.fc_cls.weight'}
    assert names(10, 0) == {'cls_head.fc_cls.bias'}
    normal = names(1, wd)
    biases = names(2, 0)
    tin = 'backbone.layer3.1.conv1.conv.net1.'
    for layer in ('offset_net.conv', 'offset_net.fc1', 'offset_net.fc2',
                  'weight_net.conv'):
        assert tin + layer + '.weight' in normal
        assert tin + layer + '.bias' in biases
    assert 'backbone.conv1.conv.weight' in normal  # first conv: lr, wd
    assert 'backbone.layer1.0.conv1.bn.weight' in names(1, 0)  # BN: wd 0
    assert optim.clip_grad_kwargs == dict(max_norm=20, norm_type=2)
