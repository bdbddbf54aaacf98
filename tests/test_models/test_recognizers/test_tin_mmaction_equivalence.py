# Copyright (c) OpenMMLab. All rights reserved.
"""mmtin's TIN equals MMAction2's ResNetTIN / TIN recognizer numerically.

MMAction2's ``resnet_tin.py`` calls ``from mmcv.ops import tin_shift`` (a
CUDA-only op). Here ``mmcv.ops`` is replaced by a module whose ``tin_shift``
is a naive loop over mmcv's forward formula (spec tin.md section 1):
``out[n, t, c] = in[n, t - s[n, g(c)], c]`` inside the clip, 0 outside.
MMAction2's weights are copied into mmtin's model with ``strict=True`` and
the outputs compared in eval mode.
"""
import sys
import types

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

import mmtin  # noqa: F401
from mmaction.models.backbones import ResNetTIN
from mmaction.registry import MODELS
from mmtin.models import TINResNet
from naive_references import naive_shift

# float32 models (MMAction2's TIN output buffer is always fp32, so float64
# cannot be compared); the two sum in different orders. Tolerance relative
# to the largest output: R50 features reach ~1e2 and differ by ~1e-5 of
# that; a wrong shift direction, group order or weight gives O(1) errors.
REL_TOL = 1e-4


def assert_close(got, expected):
    assert got.shape == expected.shape
    err = (got - expected).abs().max() / expected.abs().max()
    assert err <= REL_TOL, f'relative error {err:.2e}'


@pytest.fixture
def naive_mmcv_ops(monkeypatch):
    fake = types.ModuleType('mmcv.ops')
    fake.tin_shift = naive_shift
    monkeypatch.setitem(sys.modules, 'mmcv.ops', fake)
    return fake


def _randomize(model, seed=0):
    """Non-trivial BN statistics and TIN predictions (fractional offsets of
    both signs, weights away from 1)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, module in model.named_modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.normal_(0, 0.1, generator=gen)
                module.running_var.uniform_(0.5, 1.5, generator=gen)
                module.weight.uniform_(0.5, 1.5, generator=gen)
                module.bias.normal_(0, 0.1, generator=gen)
            if name.endswith('offset_net'):
                module.fc2.weight.normal_(0, 1.0, generator=gen)
                module.fc2.bias.normal_(0, 1.5, generator=gen)
            if name.endswith('weight_net'):
                module.conv.bias.normal_(0, 1.0, generator=gen)


def _clip(batch, frames, size=32, seed=1):
    return torch.randn(
        batch * frames,
        3,
        size,
        size,
        generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize('depth,frames', [(18, 4), (34, 8)])
def test_backbone_equals_mmaction_resnet_tin(naive_mmcv_ops, depth, frames):
    torch.manual_seed(0)
    theirs = ResNetTIN(depth, num_segments=frames, shift_div=4)
    _randomize(theirs)
    theirs.eval()
    ours = TINResNet(depth, num_segments=frames, shift_div=4)
    ours.load_state_dict(theirs.state_dict(), strict=True)
    ours.eval()
    x = _clip(2, frames)
    with torch.no_grad():
        expected = theirs(x)
        got = ours(x)
        # and the TIN offsets really are fractional and of both signs
        tin = theirs.layer1[0].conv1.conv.net1
        desc = x.new_zeros(2, tin.in_channels // 4, frames)
        off = tin.offset_net(desc.normal_())
    assert_close(got, expected)
    assert (off.frac() != 0).all()
    assert expected.abs().max() > 1e-2


def _mmaction_recognizer(num_classes, frames, depth=50, in_channels=2048):
    return MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(
                type='ResNetTIN',
                depth=depth,
                num_segments=frames,
                shift_div=4,
                norm_eval=False),
            cls_head=dict(
                type='TSMHead',
                num_classes=num_classes,
                in_channels=in_channels,
                num_segments=frames,
                spatial_type='avg',
                consensus=dict(type='AvgConsensus', dim=1),
                dropout_ratio=0.8,
                init_std=0.001,
                is_shift=False,
                average_clips='prob'),
            data_preprocessor=dict(
                type='ActionDataPreprocessor',
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                format_shape='NCHW')))


def _config_model(path, repo_root):
    cfg = Config.fromfile(str(repo_root / path))
    cfg.model.backbone.pretrained = None
    return MODELS.build(cfg.model)


def test_sthv1_config_loads_mmaction_checkpoint(naive_mmcv_ops, tmp_path,
                                                repo_root):
    """An MMAction2-layout TIN checkpoint (``backbone.layerL.i.conv1.conv.
    net1.offset_net...``, ``cls_head.fc_cls.*``) loads strictly into the
    model of configs/tin_r50_8x_sthv1.py and gives the same scores."""
    init_default_scope('mmaction')
    torch.manual_seed(0)
    theirs = _mmaction_recognizer(174, 8)
    theirs.cls_head.init_weights()
    with torch.no_grad():
        theirs.cls_head.fc_cls.weight.normal_(0, 0.05)
    _randomize(theirs)
    theirs.eval()
    keys = list(theirs.state_dict())
    assert 'backbone.layer1.0.conv1.conv.net1.offset_net.conv.weight' in keys
    assert 'backbone.layer4.2.conv1.conv.net2.weight' in keys
    assert 'cls_head.fc_cls.weight' in keys
    path = tmp_path / 'tin_mmaction.pth'
    torch.save({'state_dict': theirs.state_dict(), 'meta': {}}, path)

    ours = _config_model('configs/tin_r50_8x_sthv1.py', repo_root)
    assert sum(p.numel() for p in ours.parameters()) == 23895566
    load_checkpoint(ours, str(path), map_location='cpu', strict=True)
    ours.eval()
    inputs = _clip(1, 8).view(1, 8, 3, 32, 32)
    with torch.no_grad():
        expected, _ = theirs.extract_feat(inputs, stage='head')
        got, _ = ours.extract_feat(inputs, stage='head')
    assert got.shape == (1, 174)
    assert_close(got, expected)
    assert expected.std() > 1e-3  # the scores are not all alike


def test_runner_load_from_mmaction_checkpoint(tmp_path, repo_root):
    """``load_from=`` in a Runner built from the sthv1 config."""
    from mmengine.runner import Runner
    init_default_scope('mmaction')
    torch.manual_seed(0)
    theirs = _mmaction_recognizer(174, 8)
    _randomize(theirs, seed=3)
    path = tmp_path / 'tin_mmaction.pth'
    torch.save({'state_dict': theirs.state_dict(), 'meta': {}}, path)

    cfg = Config.fromfile(str(repo_root / 'configs/tin_r50_8x_sthv1.py'))
    cfg.model.backbone.pretrained = None
    for key in ('train_dataloader', 'train_cfg', 'optim_wrapper',
                'param_scheduler', 'val_dataloader', 'val_cfg',
                'val_evaluator', 'test_dataloader', 'test_cfg',
                'test_evaluator'):
        cfg[key] = None
    cfg.work_dir = str(tmp_path / 'work')
    cfg.load_from = str(path)
    cfg.visualizer = None
    cfg.default_hooks = dict()
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()
    ours = runner.model.state_dict()
    for key, value in theirs.state_dict().items():
        assert torch.equal(ours[key], value), key


def test_kinetics400_config_loads_tsm_checkpoint(tmp_path, repo_root):
    """TIN-K400 starts from MMAction2's TSM-K400 checkpoint, whose block
    conv1 weights are ``...conv1.conv.net.weight``: all 16 must load into
    ``...conv1.conv.net2.weight`` (load_checkpoint and Runner load_from)."""
    from mmengine.runner import Runner
    init_default_scope('mmaction')
    torch.manual_seed(0)
    tsm = MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(
                type='ResNetTSM', depth=50, pretrained2d=False,
                shift_div=8),
            cls_head=dict(
                type='TSMHead', num_classes=400, in_channels=2048)))
    tsm_sd = {k: v.clone() for k, v in tsm.state_dict().items()}
    for value in tsm_sd.values():
        if value.is_floating_point():
            value.normal_()
    net_keys = [k for k in tsm_sd if k.endswith('conv1.conv.net.weight')]
    assert len(net_keys) == 16
    path = tmp_path / 'tsm_k400.pth'
    torch.save({'state_dict': tsm_sd, 'meta': {}}, path)

    def check(model):
        ours = model.state_dict()
        for key, value in tsm_sd.items():
            our_key = key.replace('.conv.net.', '.conv.net2.')
            assert torch.equal(ours[our_key], value), key
        tin = ours['backbone.layer1.0.conv1.conv.net1.offset_net.fc2.bias']
        assert torch.allclose(tin, torch.tensor(0.5108))

    model = _config_model('configs/tin_r50_8x_kinetics400.py', repo_root)
    assert sum(p.numel() for p in model.parameters()) == 24358640
    model.init_weights()
    load_checkpoint(model, str(path), map_location='cpu', strict=False)
    check(model)

    cfg = Config.fromfile(
        str(repo_root / 'configs/tin_r50_8x_kinetics400.py'))
    assert cfg.load_from.endswith('tsm_r50_1x1x8_50e_kinetics400_rgb_'
                                  '20200607-af7fb746.pth')
    for key in ('train_dataloader', 'train_cfg', 'optim_wrapper',
                'param_scheduler', 'val_dataloader', 'val_cfg',
                'val_evaluator', 'test_dataloader', 'test_cfg',
                'test_evaluator'):
        cfg[key] = None
    cfg.work_dir = str(tmp_path / 'work')
    cfg.load_from = str(path)
    cfg.visualizer = None
    cfg.default_hooks = dict()
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()
    check(runner.model)
