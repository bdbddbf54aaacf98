# Copyright (c) OpenMMLab. All rights reserved.
"""TINInserter: TIN in the blocks of mmpretrain / MMAction2 ResNets."""
import pytest
import torch

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import init_default_scope
from mmtin.models import TINInserter, TINResNet
from mmtin.models.layers import InterlacedConv, TemporalInterlace


def _count(model):
    return sum(isinstance(m, TemporalInterlace) for m in model.modules())


@pytest.mark.parametrize('depth,blocks', [(18, 8), (50, 16)])
def test_mmpretrain_resnet_blocks(depth, blocks):
    model = TINInserter(
        dict(type='mmpretrain.ResNet', depth=depth), num_segments=4)
    assert _count(model) == blocks == len(model.interlaced_blocks)
    block = model.backbone.layer1[0]
    assert isinstance(block.conv1, InterlacedConv)
    assert block.conv1.net1.in_channels == block.conv1.net2.in_channels
    keys = model.state_dict()
    assert 'backbone.layer1.0.conv1.net2.weight' in keys
    assert 'backbone.layer1.0.conv1.net1.offset_net.fc1.weight' in keys
    model.eval()
    with torch.no_grad():
        out = model(torch.randn(4, 3, 32, 32))
    assert isinstance(out, tuple)  # the inner backbone's output, unchanged
    assert out[0].shape == (4, 2048 if depth == 50 else 512, 1, 1)


def test_mmpretrain_pretrained_init_fills_wrapped_convs(tmp_path):
    """The inner backbone's ``init_cfg=Pretrained`` holds plain
    ``layerL.i.conv1.weight`` keys: they must reach ``conv1.net2``."""
    init_default_scope('mmaction')
    plain = MODELS.build(dict(type='mmpretrain.ResNet', depth=18))
    torch.manual_seed(3)
    state = {k: torch.randn_like(v.float()) if v.is_floating_point() else v
             for k, v in plain.state_dict().items()}
    path = tmp_path / 'r18.pth'
    torch.save({'state_dict': state}, path)
    model = TINInserter(
        dict(
            type='mmpretrain.ResNet',
            depth=18,
            init_cfg=dict(type='Pretrained', checkpoint=str(path))),
        num_segments=4)
    model.init_weights()
    inner = model.backbone
    assert torch.equal(inner.layer2[1].conv1.net2.weight,
                       state['layer2.1.conv1.weight'])
    assert torch.equal(inner.layer2[1].conv2.weight,
                       state['layer2.1.conv2.weight'])
    assert torch.allclose(inner.layer2[1].conv1.net1.offset_net.fc2.bias,
                          torch.tensor(0.5108))


def test_mmaction_resnet_equals_tin_resnet():
    """Wrapping MMAction2's ResNet gives TINResNet's structure and keys."""
    torch.manual_seed(0)
    ref = TINResNet(18, num_segments=4).eval()
    model = TINInserter(dict(type='ResNet', depth=18), num_segments=4)
    state = {f'backbone.{k}': v for k, v in ref.state_dict().items()}
    model.load_state_dict(state, strict=True)
    model.eval()
    x = torch.randn(8, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(model(x), ref(x))


def test_in_recognizer2d_with_tuple_head():
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(
                type='TINInserter',
                # mmpretrain zero-inits the last BN of each residual branch
                # by default: the branch (and its TIN) gets no gradient then
                backbone=dict(
                    type='mmpretrain.ResNet',
                    depth=18,
                    zero_init_residual=False),
                num_segments=4),
            cls_head=dict(
                type='SegmentConsensusHead',
                num_classes=3,
                in_channels=512,
                num_segments=4,
                average_clips='prob')))
    model.init_weights()
    samples = [ActionDataSample().set_gt_label(i) for i in (1, 2)]
    inputs = torch.randn(2, 4, 3, 32, 32)
    losses = model(inputs, samples, mode='loss')
    losses['loss_cls'].backward()
    tin = model.backbone.backbone.layer4[1].conv1.net1
    assert tin.weight_net.conv.weight.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        preds = model(inputs, samples, mode='predict')
    assert preds[1].pred_score.shape == (3, )


def test_errors():
    with pytest.raises(ValueError, match='block_types'):
        TINInserter(dict(type='mmpretrain.MobileNetV2'), num_segments=4)
    with pytest.raises(TypeError, match='config dict'):
        TINInserter('ResNet')
    with pytest.raises(ValueError, match='num_segments'):
        TINInserter(dict(type='ResNet', depth=18), num_segments=0)
    with pytest.raises(ValueError, match=r'layer1\.0.*shift_div=32'):
        TINInserter(dict(type='ResNet', depth=18), shift_div=32)
    model = TINInserter(dict(type='ResNet', depth=18), num_segments=4)
    with pytest.raises(ValueError, match='num_segments=4'):
        model(torch.randn(6, 3, 32, 32))
