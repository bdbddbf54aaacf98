# Copyright (c) OpenMMLab. All rights reserved.
"""TDNResNet initialisation: torchvision ImageNet weights (local files,
depth checks), ``init_cfg=dict(type='Pretrained')`` and random init."""
import pytest
import torch

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from tdn_official_reference import torchvision_resnet_state

init_default_scope('mmaction')

# ---------------------------------------------------------------------------
# ImageNet initialisation from a torchvision-format ResNet state dict
# ---------------------------------------------------------------------------


def test_imagenet_init_from_local_file(tmp_path):
    tv = torchvision_resnet_state((3, 4, 6, 3))
    path = tmp_path / 'resnet50_tv.pth'
    torch.save(tv, path)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=50, pretrained=str(path)))
    backbone.init_weights()
    sd = backbone.state_dict()
    # RGB stream and diff_layer1 are ImageNet copies (independent tensors)
    assert torch.equal(sd['conv1.conv.weight'], tv['conv1.weight'])
    assert torch.equal(sd['conv1.bn.running_var'], tv['bn1.running_var'])
    for prefix in ('layer1', 'diff_layer1'):
        assert torch.equal(sd[f'{prefix}.0.conv2.conv.weight'],
                           tv['layer1.0.conv2.weight'])
        assert torch.equal(sd[f'{prefix}.2.conv3.bn.bias'],
                           tv['layer1.2.bn3.bias'])
        assert torch.equal(sd[f'{prefix}.0.downsample.bn.running_mean'],
                           tv['layer1.0.downsample.1.running_mean'])
    assert torch.equal(sd['layer3.5.conv1.conv.weight'],
                       tv['layer3.5.conv1.weight'])
    assert torch.equal(sd['layer4.0.downsample.conv.weight'],
                       tv['layer4.0.downsample.0.weight'])
    assert backbone.diff_layer1[0].conv1.conv.weight.data_ptr() != \
        backbone.layer1[0].conv1.conv.weight.data_ptr()
    # diff stem: RGB mean of conv1, not divided by 4, on all 12 channels
    w = tv['conv1.weight']
    mean_rgb = (w[:, 0] + w[:, 1] + w[:, 2]) / 3
    for ch in range(12):
        assert torch.allclose(sd['diff_conv1.conv.weight'][:, ch], mean_rgb,
                              atol=1e-6)
    assert torch.equal(sd['diff_conv1.bn.weight'], torch.ones(64))
    # new parts: shift-initialised temporal conv, normal-initialised L-TDM
    tw = sd['layer2.1.tconv.weight']  # 128 channels, fold 16
    assert torch.equal(tw[:16, 0], torch.tensor([0., 0., 1.]).expand(16, 3))
    assert torch.equal(tw[16:32, 0], torch.tensor([1., 0., 0.]).expand(16, 3))
    assert torch.equal(tw[32:, 0], torch.tensor([0., 1., 0.]).expand(96, 3))
    # L-TDM convs: normal(0, sqrt(2 / (k * k * out_channels)))
    w3 = sd['layer4.0.ltdm.conv3_smallscale4.weight']  # (32, 32, 3, 3)
    assert abs(w3.std().item() - (2 / (9 * 32))**0.5) < 0.01
    assert torch.equal(sd['layer4.0.ltdm.bn3.weight'], torch.ones(512))


def test_imagenet_init_rejects_wrong_depth(tmp_path):
    path = tmp_path / 'resnet50_tv.pth'
    torch.save(torchvision_resnet_state((3, 4, 6, 3)), path)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=101, pretrained=str(path)))
    with pytest.raises(ValueError, match='not a torchvision ResNet-101'):
        backbone.init_weights()


def test_init_cfg_pretrained(tmp_path):
    torch.manual_seed(0)
    src = MODELS.build(dict(type='TDNResNet', depth=50, num_segments=2))
    src.init_weights()
    path = tmp_path / 'tdn.pth'
    torch.save({'state_dict': {f'backbone.{k}': v
                               for k, v in src.state_dict().items()}}, path)
    dst = MODELS.build(
        dict(type='TDNResNet', depth=50, num_segments=2,
             init_cfg=dict(type='Pretrained', checkpoint=str(path),
                           prefix='backbone.')))
    dst.init_weights()
    for k, v in src.state_dict().items():
        assert torch.equal(dst.state_dict()[k], v), k


def test_random_init():
    torch.manual_seed(0)
    backbone = MODELS.build(dict(type='TDNResNet', depth=50))
    backbone.init_weights()
    w = backbone.diff_conv1.conv.weight
    assert torch.equal(w[:, 0], w[:, 11])  # one RGB-mean kernel, repeated
    assert not torch.allclose(w[:, 0], backbone.conv1.conv.weight.mean(1))
    c1 = backbone.layer1[0].conv2.conv.weight  # (64, 64, 3, 3)
    assert abs(c1.std().item() - (2 / (9 * 64))**0.5) < 0.005


def test_r18_imagenet_init_from_local_file(tmp_path):
    tv = torchvision_resnet_state((2, 2, 2, 2), seed=3, basic=True)
    path = tmp_path / 'resnet18_tv.pth'
    torch.save(tv, path)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=18, pretrained=str(path)))
    backbone.init_weights()
    sd = backbone.state_dict()
    for prefix in ('layer1', 'diff_layer1'):
        assert torch.equal(sd[f'{prefix}.1.conv1.conv.weight'],
                           tv['layer1.1.conv1.weight'])
        assert torch.equal(sd[f'{prefix}.0.conv2.bn.running_mean'],
                           tv['layer1.0.bn2.running_mean'])
    assert torch.equal(sd['layer2.0.downsample.bn.weight'],
                       tv['layer2.0.downsample.1.weight'])
    assert torch.equal(sd['layer4.1.conv2.conv.weight'],
                       tv['layer4.1.conv2.weight'])
    w = tv['conv1.weight']
    mean_rgb = (w[:, 0] + w[:, 1] + w[:, 2]) / 3
    for ch in (0, 5, 11):
        assert torch.allclose(sd['diff_conv1.conv.weight'][:, ch], mean_rgb,
                              atol=1e-6)
    tw = sd['layer3.0.tconv.weight']  # 256 channels, fold 32
    assert torch.equal(tw[:32, 0], torch.tensor([0., 0., 1.]).expand(32, 3))
    assert torch.equal(tw[64:, 0], torch.tensor([0., 1., 0.]).expand(192, 3))


def test_r18_rejects_resnet50_weights(tmp_path):
    path = tmp_path / 'resnet50_tv.pth'
    torch.save(torchvision_resnet_state((3, 4, 6, 3)), path)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=18, pretrained=str(path)))
    with pytest.raises(ValueError, match='not a torchvision ResNet-18'):
        backbone.init_weights()
