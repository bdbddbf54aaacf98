# Copyright (c) OpenMMLab. All rights reserved.
"""TDNResNet equals an independent re-implementation of the official TDN
model (tests/tdn_official_reference.py), loaded through the official-TDN
converter: R50/R101 as published, R18 (mmtin extension)."""
import pytest
import torch

import mmtin  # noqa: F401
from mmengine.registry import init_default_scope
from mmengine.runner import load_state_dict
from mmtin.models.utils import is_deployed, switch_to_deploy
from mmtin.ckpt_convert.official_tdn import convert
from tdn_official_reference import (RefBasicBlock, RefTSN, build_recognizer,
                                    official_checkpoint, randomize_)

init_default_scope('mmaction')

# ---------------------------------------------------------------------------
# Equivalence
# ---------------------------------------------------------------------------


@pytest.mark.parametrize('depth,blocks,num_segments,size', [
    (50, (3, 4, 6, 3), 8, 96),  # layer4 at 3x3: L-TDM pools to 1x1
    (50, (3, 4, 6, 3), 16, 64),  # fusion weights (0.75, 0.25)
    (101, (3, 4, 23, 3), 8, 64),
])
def test_equals_official_model(depth, blocks, num_segments, size):
    """Converted random official weights give the official class scores."""
    ref = RefTSN(blocks, num_segments, num_classes=11)
    randomize_(ref, seed=depth + num_segments)
    ref.eval()
    converted = convert(official_checkpoint(ref))
    assert converted['meta']['depth'] == depth
    assert converted['meta']['epoch'] == 3
    # the `module.` prefix is optional
    bare = convert({'state_dict': ref.state_dict()})['state_dict']
    assert bare.keys() == converted['state_dict'].keys()
    model = build_recognizer(depth, num_segments, 11).eval()
    load_state_dict(model, converted['state_dict'], strict=True)

    torch.manual_seed(0)
    x = torch.randn(1, num_segments * 5 * 3, size, size)
    with torch.no_grad():
        expected = ref(x)
        ours, _ = model.extract_feat(
            x.view(1, num_segments * 5, 3, size, size), stage='head',
            test_mode=True)
    assert ours.shape == expected.shape == (1, 11)
    assert expected.abs().max() > 1  # not a degenerate comparison
    scale = expected.abs().max()
    assert torch.allclose(ours, expected, rtol=0, atol=1e-5 * scale), \
        (ours - expected).abs().max()


def test_r18_equals_reference():
    """R18 TDN (BasicBlock, mse/shift after relu(bn1(conv1))) equals the
    naive reference, converted like an official checkpoint."""
    ref = RefTSN((2, 2, 2, 2), 2, num_classes=5, block=RefBasicBlock)
    randomize_(ref, seed=18)
    ref.eval()
    converted = convert(official_checkpoint(ref))
    model = build_recognizer(18, 2, 5).eval()
    load_state_dict(model, converted['state_dict'], strict=True)
    torch.manual_seed(0)
    x = torch.randn(2, 2 * 5 * 3, 64, 64)  # layer4 at 2x2
    with torch.no_grad():
        expected = ref(x)
        ours, _ = model.extract_feat(
            x.view(2, 2 * 5, 3, 64, 64), stage='head', test_mode=True)
    assert expected.abs().max() > 1
    scale = expected.abs().max()
    assert torch.allclose(ours, expected, rtol=0, atol=1e-5 * scale), \
        (ours - expected).abs().max()


@pytest.mark.parametrize('depth,num_segments,size', [
    (50, 8, 64),  # fusion weights (0.5, 0.5)
    (18, 2, 64),  # BasicBlock, fusion weights (0.75, 0.25)
])
def test_deployed_equals_plain_and_official(depth, num_segments, size):
    """``switch_to_deploy`` (folded BNs, fused S-TDM kernels, separable max
    pool) keeps the official class scores and the plain eval forward's."""
    from mmtin.models.layers import (LongTermTDM, SeparableMaxPool2d,
                                     ShortTermTDM)
    blocks = {18: (2, 2, 2, 2), 50: (3, 4, 6, 3)}[depth]
    kwargs = dict(block=RefBasicBlock) if depth == 18 else {}
    ref = RefTSN(blocks, num_segments, num_classes=7, **kwargs)
    randomize_(ref, seed=depth + 1)
    ref.eval()
    model = build_recognizer(depth, num_segments, 7).eval()
    load_state_dict(model, convert(official_checkpoint(ref))['state_dict'],
                    strict=True)
    torch.manual_seed(1)
    x = torch.randn(1, num_segments * 5 * 3, size, size)
    inputs = x.view(1, num_segments * 5, 3, size, size)
    with torch.no_grad():
        expected = ref(x)
        plain, _ = model.extract_feat(inputs, stage='head', test_mode=True)
    keys = list(model.state_dict())
    assert not is_deployed(model)
    assert switch_to_deploy(model) is model
    assert is_deployed(model) and not model.training
    assert isinstance(model.backbone.maxpool, SeparableMaxPool2d)
    tdms = [m for m in model.modules()
            if isinstance(m, (LongTermTDM, ShortTermTDM))]
    assert len(tdms) == sum(blocks[1:]) + 1 and all(m.deploy for m in tdms)
    assert list(model.state_dict()) == keys  # checkpoints still load
    with torch.no_grad():
        deployed, _ = model.extract_feat(inputs, stage='head',
                                         test_mode=True)
    scale = expected.abs().max()
    assert scale > 1
    assert torch.allclose(deployed, expected, rtol=0, atol=1e-5 * scale), \
        (deployed - expected).abs().max()
    assert torch.allclose(deployed, plain, rtol=0, atol=1e-5 * scale)
    # autograd on (saliency maps): the same scores, gradients flow
    xg = inputs.clone().requires_grad_()
    with_grad, _ = model.extract_feat(xg, stage='head', test_mode=True)
    assert torch.allclose(with_grad, deployed, rtol=0, atol=1e-5 * scale)
    with_grad.sum().backward()
    assert xg.grad.abs().sum() > 0
    # a deployed model is for inference only
    with pytest.raises(RuntimeError, match='inference only'):
        model.train()
