# Copyright (c) OpenMMLab. All rights reserved.
"""TINResNet: structure, MMAction2 key layout, init, freezing, errors.

Numerical equivalence with MMAction2's ResNetTIN is in
``tests/test_models/test_recognizers/test_tin_mmaction_equivalence.py``.
"""
import importlib.util

import pytest
import torch
import torch.nn as nn

import mmtin  # noqa: F401
from mmaction.models.backbones import ResNet, ResNetTIN, ResNetTSM
from mmtin.models import TINResNet
from mmtin.models.layers import InterlacedConv, TemporalInterlace
from mmtin.ckpt_convert import torchvision_resnet


def _tv_key(mm_key):
    """MMAction2 ResNet key -> torchvision key (written from the naming
    conventions, independently of mmtin's converter)."""
    parts = mm_key.split('.')
    if parts[0] == 'conv1':  # stem: conv1.conv.w / conv1.bn.w
        return ('conv1.' if parts[1] == 'conv' else 'bn1.') + parts[-1]
    block = '.'.join(parts[:2])
    if parts[2] == 'downsample':
        return f'{block}.downsample.{0 if parts[3] == "conv" else 1}.' \
            + parts[-1]
    index = parts[2][-1]  # convK
    return f'{block}.{"conv" if parts[3] == "conv" else "bn"}{index}.' \
        + parts[-1]


def _torchvision_file(tmp_path, depth):
    """A torchvision-format ResNet checkpoint with random values."""
    torch.manual_seed(1)
    ref = ResNet(depth, pretrained=None)
    state = {
        _tv_key(k): torch.randn_like(v.float()) if v.is_floating_point()
        else v
        for k, v in ref.state_dict().items()
    }
    state['fc.weight'] = torch.randn(1000, ref.feat_dim)
    state['fc.bias'] = torch.randn(1000)
    path = tmp_path / f'resnet{depth}_tv.pth'
    torch.save(state, path)
    return path, state


@pytest.mark.parametrize('depth,blocks', [(18, 8), (50, 16)])
def test_keys_and_shapes_equal_mmaction_resnet_tin(depth, blocks):
    ours = TINResNet(depth, num_segments=8, shift_div=4)
    theirs = ResNetTIN(depth, num_segments=8, shift_div=4)
    ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
    assert list(ours_sd) == list(theirs_sd)
    for key, value in theirs_sd.items():
        assert ours_sd[key].shape == value.shape, key
    wrapped = [m for m in ours.modules() if isinstance(m, InterlacedConv)]
    assert len(wrapped) == blocks
    # TIN sits in front of every block's conv1, before its BN/ReLU
    for layer in ('layer1', 'layer2', 'layer3', 'layer4'):
        for block in getattr(ours, layer):
            assert isinstance(block.conv1.conv, InterlacedConv)
            tin = block.conv1.conv.net1
            assert isinstance(tin, TemporalInterlace)
            assert tin.in_channels == block.conv1.conv.net2.in_channels
            assert tin.num_folds == tin.in_channels // 4
            assert block.downsample is None or not any(
                isinstance(m, TemporalInterlace)
                for m in block.downsample.modules())


def test_r50_parameter_count():
    # spec: 23,508,032 (R50 trunk) + 31,008 (16 TIN modules, 9*C/4 + 93)
    model = TINResNet(50)
    tin = sum(p.numel() for m in model.modules()
              if isinstance(m, TemporalInterlace) for p in m.parameters())
    assert tin == 31008
    assert sum(p.numel() for p in model.parameters()) == 23508032 + 31008


def test_forward_shape_and_batch_check():
    model = TINResNet(18, num_segments=4, out_indices=(2, 3)).eval()
    with torch.no_grad():
        out = model(torch.randn(8, 3, 32, 32))
    assert [tuple(o.shape) for o in out] == [(8, 256, 2, 2), (8, 512, 1, 1)]
    with pytest.raises(ValueError, match='num_segments=4'):
        model(torch.randn(6, 3, 32, 32))
    with pytest.raises(ValueError, match='4-D'):
        model(torch.randn(1, 4, 3, 32, 32))


def test_build_errors():
    with pytest.raises(ValueError, match='num_segments'):
        TINResNet(18, num_segments=0)
    with pytest.raises(ValueError, match='shift_div'):
        TINResNet(18, shift_div=0)
    # 64 channels / 32 = 2 folds: not a multiple of 4 channel groups
    with pytest.raises(ValueError, match=r'layer1\.0.*shift_div=32'):
        TINResNet(18, shift_div=32)
    with pytest.raises(ValueError, match='shift_div=3'):
        TINResNet(18, shift_div=3)
    with pytest.raises(TypeError, match='is_shift'):
        TINResNet(18, is_shift=True)
    with pytest.raises(TypeError, match='pretrained'):
        TINResNet(18, pretrained=3).init_weights()


def test_scratch_init_keeps_tin_init():
    model = TINResNet(18, num_segments=4, pretrained=None)
    model.init_weights()
    tin = model.layer2[1].conv1.conv.net1
    assert torch.allclose(tin.offset_net.fc2.bias, torch.tensor(0.5108))
    assert torch.count_nonzero(tin.weight_net.conv.bias) == 0
    assert torch.all(model.layer1[0].conv1.bn.weight == 1)


@pytest.mark.parametrize('depth', [18, 50])
def test_imagenet_init_matches_mmaction_loader(tmp_path, depth):
    path, tv_state = _torchvision_file(tmp_path, depth)
    # MMAction2's own torchvision loader on a plain ResNet is the reference
    ref = ResNet(depth, pretrained=str(path))
    ref.init_weights()
    ours = TINResNet(depth, num_segments=4, pretrained=str(path))
    ours.init_weights()
    ours_sd = ours.state_dict()
    for key, value in ref.state_dict().items():
        if key.endswith('num_batches_tracked'):
            continue
        our_key = key
        if key not in ours_sd:  # block conv1 moved into the TIN wrapper
            our_key = key.replace('.conv1.conv.', '.conv1.conv.net2.')
        assert torch.equal(ours_sd[our_key], value), key
    assert torch.equal(ours.layer1[0].conv1.conv.net2.weight,
                       tv_state['layer1.0.conv1.weight'])
    # TIN parameters are new: published init, not overwritten
    tin = ours.layer1[0].conv1.conv.net1
    assert torch.allclose(tin.offset_net.fc2.bias, torch.tensor(0.5108))


def test_pretrained_mmaction_format_tsm_checkpoint(tmp_path):
    """pretrained2d=False: an MMAction2 TSM backbone checkpoint, whose
    conv1 weights are stored as ``conv1.conv.net.weight``."""
    torch.manual_seed(0)
    tsm = ResNetTSM(18, num_segments=4, pretrained2d=False)
    path = tmp_path / 'tsm18.pth'
    torch.save({'state_dict': tsm.state_dict()}, path)
    ours = TINResNet(
        18, num_segments=4, pretrained=str(path), pretrained2d=False)
    ours.init_weights()
    assert torch.equal(ours.layer3[1].conv1.conv.net2.weight,
                       tsm.layer3[1].conv1.conv.net.weight)
    assert torch.equal(ours.layer3[1].conv2.conv.weight,
                       tsm.layer3[1].conv2.conv.weight)


def test_partial_bn_norm_eval_frozen_stages():
    model = TINResNet(18, num_segments=4, partial_bn=True)
    model.train()
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert bns[0].training and not any(m.training for m in bns[1:])
    assert not any(m.weight.requires_grad for m in bns[1:])

    model = TINResNet(18, num_segments=4, norm_eval=True)
    model.train()
    assert not any(
        m.training for m in model.modules() if isinstance(m, nn.BatchNorm2d))
    assert model.layer1[0].conv1.conv.net1.training

    model = TINResNet(18, num_segments=4, frozen_stages=1)
    model.train()
    assert not any(p.requires_grad for p in model.layer1.parameters())
    assert not any(p.requires_grad
                   for p in model.layer1[0].conv1.conv.net1.parameters())
    assert all(p.requires_grad for p in model.layer2.parameters())


def test_non_local_blocks():
    model = TINResNet(
        50,
        num_segments=4,
        non_local=((0, 0, 0), (1, 0, 0, 0), (0, 0, 0, 0, 0, 0), (0, 0, 0)),
        non_local_cfg=dict(
            sub_sample=True,
            use_scale=False,
            norm_cfg=dict(type='BN3d', requires_grad=True),
            mode='embedded_gaussian'))
    assert type(model.layer2[0]).__name__ == 'NL3DWrapper'
    assert isinstance(model.layer2[0].block.conv1.conv, InterlacedConv)
    with torch.no_grad():
        out = model.eval()(torch.randn(4, 3, 32, 32))
    assert out.shape == (4, 2048, 1, 1)


def test_torchvision_url_without_torchvision(monkeypatch):
    real = importlib.util.find_spec

    def no_torchvision(name, *args):
        return None if name == 'torchvision' else real(name, *args)

    monkeypatch.setattr(torchvision_resnet.importlib.util, 'find_spec',
                        no_torchvision)
    url = torchvision_resnet.resolve_torchvision_url(
        'torchvision://resnet50')
    assert url.startswith('https://') and 'resnet50' in url
    assert torchvision_resnet.resolve_torchvision_url('/x/y.pth') == '/x/y.pth'
    with pytest.raises(KeyError, match='resnet51'):
        torchvision_resnet.resolve_torchvision_url('torchvision://resnet51')
