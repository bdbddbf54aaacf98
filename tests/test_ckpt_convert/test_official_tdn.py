# Copyright (c) OpenMMLab. All rights reserved.
"""official-tdn converter on synthetic checkpoints built from the key table
of the spec (section 5), loaded strictly into the configs' models."""
import importlib.util
import sys

import pytest
import torch

import mmtin  # noqa: F401
from mmengine.registry import init_default_scope
from mmtin.apis import build_recognizer, load_checkpoint
from mmtin.ckpt_convert.official_tdn import convert

init_default_scope('mmaction')

BN = ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked')


def official_state(blocks=(3, 4, 6, 3), num_classes=174, legacy=False,
                   with_nbt=True):
    """``{key: tensor}`` of an official TDN checkpoint, from the key table:
    biased ResNet convs, conv1_temp, conv1_5, resnext_layer1, layerN_bak
    with mse/shift in layer2-4, new_fc."""
    g = torch.Generator().manual_seed(0)
    sd = {}

    def t(*shape):
        return torch.randn(*shape, generator=g)

    def conv(name, cout, cin, k, bias=True):
        sd[f'{name}.weight'] = t(cout, cin, k, k)
        if bias:
            sd[f'{name}.bias'] = t(cout)

    def bn(name, n):
        for k in BN:
            if k == 'num_batches_tracked':
                if with_nbt:
                    sd[f'{name}.{k}'] = torch.tensor(9)
            elif k == 'running_var':
                sd[f'{name}.{k}'] = torch.rand(n, generator=g) + 0.5
            else:
                sd[f'{name}.{k}'] = t(n)

    def layer(prefix, stage, n, tdm):
        planes, c = 64 * 2**stage, 64 * 2**stage // 16
        inplanes = 64 if stage == 0 else planes * 2
        for i in range(n):
            p = f'{prefix}.{i}'
            conv(f'{p}.conv1', planes, inplanes if i == 0 else planes * 4, 1)
            bn(f'{p}.bn1', planes)
            conv(f'{p}.conv2', planes, planes, 3)
            bn(f'{p}.bn2', planes)
            conv(f'{p}.conv3', planes * 4, planes, 1)
            bn(f'{p}.bn3', planes * 4)
            if i == 0:
                conv(f'{p}.downsample.0', planes * 4, inplanes, 1)
                bn(f'{p}.downsample.1', planes * 4)
            if tdm:
                conv(f'{p}.mse.conv1', c, planes, 1, bias=False)
                bn(f'{p}.mse.bn1', c)
                sd[f'{p}.mse.conv2.weight'] = t(c, 1, 3, 3)
                conv(f'{p}.mse.conv3', planes, c, 1, bias=False)
                bn(f'{p}.mse.bn3', planes)
                conv(f'{p}.mse.conv3_smallscale2', c, c, 3, bias=False)
                conv(f'{p}.mse.conv3_smallscale4', c, c, 3, bias=False)
                bn(f'{p}.mse.bn3_smallscale2', c)
                bn(f'{p}.mse.bn3_smallscale4', c)
                sd[f'{p}.shift.conv.weight'] = t(planes, 1, 3)

    conv('conv1', 64, 3, 7)
    bn('bn1', 64)
    conv('conv1_temp', 64, 3, 7)
    if legacy:  # Dec-2020 release
        conv('conv1_temp1', 64, 3, 7)
    conv('conv1_5.0', 64, 12, 7, bias=False)
    bn('conv1_5.1', 64)
    layer('resnext_layer1', 0, blocks[0], False)
    for s in range(4):
        layer(f'layer{s + 1}_bak', s, blocks[s], s > 0)
    sd = {f'base_model.{k}': v for k, v in sd.items()}
    sd['new_fc.weight'] = t(num_classes, 2048)
    sd['new_fc.bias'] = t(num_classes)
    return sd


def checkpoint(sd):
    return {'epoch': 60, 'arch': 'resnet50', 'best_prec1': 52.3,
            'state_dict': {f'module.{k}': v for k, v in sd.items()}}


def test_synthetic_table_matches_spec_counts():
    sd = official_state()
    assert len(sd) == 789
    assert sum('.mse.' in k for k in sd) == 325
    assert sum('.shift.' in k for k in sd) == 13
    assert sum(k.startswith('base_model.resnext_layer1.') for k in sd) == 70


def _model(repo_root, name):
    return build_recognizer(str(repo_root / 'configs' / name),
                            init_weights=False)


@pytest.mark.parametrize('name,blocks', [
    ('tdn_r50_8x_sthv1.py', (3, 4, 6, 3)),
    ('tdn_r50_16x_sthv2.py', (3, 4, 6, 3)),
    ('tdn_r101_8x_sthv2.py', (3, 4, 23, 3)),
])
def test_cli_output_loads_strictly(repo_root, tmp_path, monkeypatch, name,
                                   blocks):
    src, dst = tmp_path / 'best.pth.tar', tmp_path / 'tdn_mmtin.pth'
    torch.save(checkpoint(official_state(blocks)), src)
    spec = importlib.util.spec_from_file_location(
        'convert_checkpoint_cli',
        repo_root / 'tools' / 'convert_checkpoint.py')
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    monkeypatch.setattr(sys, 'argv', ['x', 'official-tdn', str(src),
                                      str(dst)])
    cli.main()
    model = _model(repo_root, name)
    load_checkpoint(model, str(dst))  # strict
    meta = torch.load(dst, weights_only=True)['meta']
    assert meta['depth'] == (101 if blocks[2] == 23 else 50)
    assert meta['num_classes'] == 174 and meta['epoch'] == 60


def test_mapping_and_bias_folding():
    sd = official_state(legacy=True)
    out = convert(checkpoint(sd))['state_dict']
    assert not any('conv1_temp' in k for k in out)
    b = 'base_model.'
    # stem: weight copied, bias folded into the BN running mean
    assert torch.equal(out['backbone.conv1.conv.weight'],
                       sd[b + 'conv1.weight'])
    assert torch.allclose(out['backbone.conv1.bn.running_mean'],
                          sd[b + 'bn1.running_mean'] - sd[b + 'conv1.bias'])
    assert torch.equal(out['backbone.conv1.bn.running_var'],
                       sd[b + 'bn1.running_var'])
    # block convs, downsample, diff branch
    assert torch.allclose(
        out['backbone.layer3.4.conv2.bn.running_mean'],
        sd[b + 'layer3_bak.4.bn2.running_mean'] -
        sd[b + 'layer3_bak.4.conv2.bias'])
    assert torch.allclose(
        out['backbone.diff_layer1.0.downsample.bn.running_mean'],
        sd[b + 'resnext_layer1.0.downsample.1.running_mean'] -
        sd[b + 'resnext_layer1.0.downsample.0.bias'])
    assert torch.equal(out['backbone.diff_conv1.conv.weight'],
                       sd[b + 'conv1_5.0.weight'])
    assert torch.equal(out['backbone.diff_conv1.bn.bias'],
                       sd[b + 'conv1_5.1.bias'])
    # L-TDM and temporal conv, head
    assert torch.equal(out['backbone.layer4.2.ltdm.conv3_smallscale2.weight'],
                       sd[b + 'layer4_bak.2.mse.conv3_smallscale2.weight'])
    assert torch.equal(out['backbone.layer2.0.ltdm.bn3.running_var'],
                       sd[b + 'layer2_bak.0.mse.bn3.running_var'])
    assert torch.equal(out['backbone.layer3.5.tconv.weight'],
                       sd[b + 'layer3_bak.5.shift.conv.weight'])
    assert torch.equal(out['cls_head.fc_cls.weight'], sd['new_fc.weight'])
    assert not any(k.endswith('.bias') and '.conv.' in k for k in out)


def test_missing_num_batches_tracked_is_added(repo_root):
    out = convert({'state_dict': official_state(with_nbt=False)})
    sd = out['state_dict']
    assert sd['backbone.layer1.0.conv1.bn.num_batches_tracked'].item() == 0
    assert sd['backbone.layer2.1.ltdm.bn1.num_batches_tracked'].item() == 0
    model = _model(repo_root, 'tdn_r50_8x_sthv1.py')
    model.load_state_dict(sd, strict=True)


def test_errors():
    sd = official_state()
    sd['base_model.layer2_bak.0.mse.extra.weight'] = torch.zeros(1)
    with pytest.raises(KeyError, match='mse.extra.weight'):
        convert({'state_dict': sd})
    sd = official_state()
    sd['base_model.layer1_bak.0.mse.conv1.weight'] = torch.zeros(1)
    with pytest.raises(KeyError, match='layer1_bak.0.mse.conv1'):
        convert({'state_dict': sd})  # layer1 has no L-TDM
    sd = official_state()
    del sd['base_model.conv1_5.0.weight']
    with pytest.raises(KeyError, match='conv1_5'):
        convert({'state_dict': sd})
    sd = official_state()
    del sd['base_model.bn1.running_mean']
    with pytest.raises(KeyError, match='conv1.bn'):
        convert({'state_dict': sd})
    with pytest.raises(TypeError, match='must be a dict'):
        convert([1, 2])
