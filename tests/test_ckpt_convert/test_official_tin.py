# Copyright (c) OpenMMLab. All rights reserved.
"""Official deepcs233/TIN checkpoints -> mmtin, through the CLI, then strict
loading into the model of configs/tin_r50_8x_sthv1.py."""
import os
import re
import subprocess
import sys

import pytest
import torch

import mmtin  # noqa: F401
from mmtin.apis import build_recognizer
from mmtin.ckpt_convert import official_tin

R50 = ((64, 3), (128, 4), (256, 6), (512, 3))


def _bn(state, prefix, channels, gen):
    state[prefix + '.weight'] = torch.rand(channels, generator=gen) + 0.5
    state[prefix + '.bias'] = torch.randn(channels, generator=gen)
    state[prefix + '.running_mean'] = torch.randn(channels, generator=gen)
    state[prefix + '.running_var'] = torch.rand(channels, generator=gen) + .5
    state[prefix + '.num_batches_tracked'] = torch.tensor(7)


def official_state_dict(num_classes=174, frames=8, shift_div=4):
    """R50 TIN in the official layout (spec tin.md sections 2-3)."""
    gen = torch.Generator().manual_seed(0)

    def rand(*shape):
        return torch.randn(*shape, generator=gen)

    root = 'module.base_model.'
    state = {root + 'conv1.weight': rand(64, 3, 7, 7)}
    _bn(state, root + 'bn1', 64, gen)
    inplanes = 64
    for stage, (planes, blocks) in enumerate(R50, 1):
        for i in range(blocks):
            b = f'{root}layer{stage}.{i}.'
            folds = inplanes // shift_div
            tds = b + 'conv1.net1.'
            state[tds + 'biasnet.net.conv.weight'] = rand(1, folds, 3)
            state[tds + 'biasnet.net.conv.bias'] = rand(1)
            state[tds + 'biasnet.net.fc.weight'] = rand(frames, frames)
            state[tds + 'biasnet.net.fc.bias'] = rand(frames)
            state[tds + 'biasnet.net.lastlayer.weight'] = rand(2, frames)
            state[tds + 'biasnet.net.lastlayer.bias'] = rand(2)
            state[tds + 'weightnet.net.lastlayer.weight'] = rand(2, folds, 3)
            state[tds + 'weightnet.net.lastlayer.bias'] = rand(2)
            state[b + 'conv1.net2.weight'] = rand(planes, inplanes, 1, 1)
            _bn(state, b + 'bn1', planes, gen)
            state[b + 'conv2.weight'] = rand(planes, planes, 3, 3)
            _bn(state, b + 'bn2', planes, gen)
            state[b + 'conv3.weight'] = rand(planes * 4, planes, 1, 1)
            _bn(state, b + 'bn3', planes * 4, gen)
            if i == 0:
                state[b + 'downsample.0.weight'] = rand(
                    planes * 4, inplanes, 1, 1)
                _bn(state, b + 'downsample.1', planes * 4, gen)
            inplanes = planes * 4
    state['module.new_fc.weight'] = rand(num_classes, 2048)
    state['module.new_fc.bias'] = rand(num_classes)
    return state


# the spec's mapping, applied in order (first match wins)
EXPECTED = [
    (r'^module\.new_fc\.', 'cls_head.fc_cls.'),
    (r'^module\.base_model\.(layer\d\.\d+)\.conv1\.net1\.biasnet\.net\.conv',
     r'backbone.\1.conv1.conv.net1.offset_net.conv'),
    (r'^module\.base_model\.(layer\d\.\d+)\.conv1\.net1\.biasnet\.net\.fc',
     r'backbone.\1.conv1.conv.net1.offset_net.fc1'),
    (r'^module\.base_model\.(layer\d\.\d+)\.conv1\.net1\.biasnet\.net\.'
     r'lastlayer', r'backbone.\1.conv1.conv.net1.offset_net.fc2'),
    (r'^module\.base_model\.(layer\d\.\d+)\.conv1\.net1\.weightnet\.net\.'
     r'lastlayer', r'backbone.\1.conv1.conv.net1.weight_net.conv'),
    (r'^module\.base_model\.(layer\d\.\d+)\.conv1\.net2\.',
     r'backbone.\1.conv1.conv.net2.'),
    (r'^module\.base_model\.(layer\d\.\d+)\.bn(\d)\.',
     r'backbone.\1.conv\2.bn.'),
    (r'^module\.base_model\.(layer\d\.\d+)\.conv(\d)\.',
     r'backbone.\1.conv\2.conv.'),
    (r'^module\.base_model\.(layer\d\.\d+)\.downsample\.0\.',
     r'backbone.\1.downsample.conv.'),
    (r'^module\.base_model\.(layer\d\.\d+)\.downsample\.1\.',
     r'backbone.\1.downsample.bn.'),
    (r'^module\.base_model\.conv1\.', 'backbone.conv1.conv.'),
    (r'^module\.base_model\.bn1\.', 'backbone.conv1.bn.'),
]


def expected_key(key):
    for pattern, repl in EXPECTED:
        new, hits = re.subn(pattern, repl, key)
        if hits:
            return new
    raise AssertionError(f'no mapping for {key}')


def _convert_cli(repo_root, src, dst):
    # mmtin may not be pip-installed: make the checkout importable
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [str(repo_root)] + [p for p in [env.get('PYTHONPATH')] if p])
    return subprocess.run(
        [sys.executable, 'tools/convert_checkpoint.py', 'official-tin',
         str(src), str(dst)],
        cwd=str(repo_root), env=env, capture_output=True, text=True,
        timeout=300)


@pytest.mark.slow
def test_cli_convert_then_strict_load(tmp_path, repo_root):
    official = official_state_dict()
    src, dst = tmp_path / 'official.pth.tar', tmp_path / 'tin_mmtin.pth'
    torch.save(
        dict(epoch=40, arch='resnet50', state_dict=official,
             best_prec1=torch.tensor(44.04)), src)
    proc = _convert_cli(repo_root, src, dst)
    assert proc.returncode == 0, proc.stderr
    converted = torch.load(dst, map_location='cpu', weights_only=True)
    meta = converted['meta']
    assert meta['num_classes'] == 174 and meta['num_segments'] == 8
    assert meta['shift_div'] == 4 and meta['num_blocks'] == 16
    assert meta['epoch'] == 40 and meta['arch'] == 'resnet50'
    assert meta['best_prec1'] == pytest.approx(44.04)

    model = build_recognizer(str(repo_root / 'configs/tin_r50_8x_sthv1.py'),
                             checkpoint=str(dst))  # strict
    ours = model.state_dict()
    assert len(ours) == len(official)
    for key, value in official.items():
        assert torch.equal(ours[expected_key(key)], value), key


def test_head_without_dropout_and_no_module_prefix():
    official = {
        k.replace('module.', ''): v
        for k, v in official_state_dict(num_classes=27).items()
    }
    official['base_model.fc.weight'] = official.pop('new_fc.weight')
    official['base_model.fc.bias'] = official.pop('new_fc.bias')
    out = official_tin.convert(official)
    assert torch.equal(out['state_dict']['cls_head.fc_cls.weight'],
                       official['base_model.fc.weight'])
    assert out['meta']['num_classes'] == 27


@pytest.mark.slow
def test_unexpected_keys_are_errors(tmp_path, repo_root):
    official = official_state_dict()
    official['module.base_model.layer1.0.conv1.net1.extra.weight'] = \
        torch.zeros(1)
    official['module.consensus.weight'] = torch.zeros(1)
    with pytest.raises(ValueError, match='extra.weight'):
        official_tin.convert(dict(state_dict=official))
    src = tmp_path / 'bad.pth'
    torch.save(dict(state_dict=official), src)
    proc = _convert_cli(repo_root, src, tmp_path / 'out.pth')
    assert proc.returncode != 0
    assert 'module.consensus.weight' in proc.stderr
    assert not (tmp_path / 'out.pth').exists()
    with pytest.raises(ValueError, match='no tensors'):
        official_tin.convert({})
