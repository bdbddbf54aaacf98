# Copyright (c) OpenMMLab. All rights reserved.
"""``LSTSAlign``, ``LSTSQualityFusion`` and ``LSTSLow2High``."""
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401

init_default_scope('mmaction')


def test_grid_init_is_the_integer_grid():
    align = MODELS.build(dict(type='LSTSAlign', in_channels=4,
                              embed_channels=4, num_offsets=81))
    expected = {(dx, dy) for dx in range(-4, 5) for dy in range(-4, 5)}
    got = {(int(x), int(y)) for x, y in align.offsets.tolist()}
    assert got == expected
    assert torch.equal(align.offsets, align.offsets.round())
    small = MODELS.build(dict(type='LSTSAlign', in_channels=4,
                              num_offsets=9, grid_radius=2.0))
    assert sorted(set(small.offsets[:, 0].tolist())) == [-2.0, 0.0, 2.0]


def test_normal_init_draws_standard_normal_samples():
    torch.manual_seed(3)
    expected = torch.randn(400, 2) * 0.5
    torch.manual_seed(3)
    align = MODELS.build(dict(type='LSTSAlign', in_channels=4,
                              num_offsets=400, offset_init='normal',
                              normal_std=0.5))
    torch.testing.assert_close(align.offsets.data, expected)
    assert 0.4 < align.offsets.std() < 0.6


def test_explicit_offsets_and_bad_configs():
    align = MODELS.build(dict(type='LSTSAlign', in_channels=4, num_offsets=2,
                              offset_init=[[0.5, 1], [-1, 2]]))
    assert align.offsets.tolist() == [[0.5, 1.0], [-1.0, 2.0]]
    with pytest.raises(ValueError, match='offset_init'):
        MODELS.build(dict(type='LSTSAlign', in_channels=4, num_offsets=2,
                          offset_init=[[0, 1, 2], [0, 1, 2]]))
    with pytest.raises(ValueError, match='offset_init'):
        MODELS.build(dict(type='LSTSAlign', in_channels=4, num_offsets=3,
                          offset_init=[[0, 1], [1, 0]]))
    with pytest.raises(ValueError, match='num_offsets=10'):
        MODELS.build(dict(type='LSTSAlign', in_channels=4, num_offsets=10))
    with pytest.raises(ValueError, match='offset_init'):
        MODELS.build(dict(type='LSTSAlign', in_channels=4,
                          offset_init='uniform'))
    align = MODELS.build(dict(type='LSTSAlign', in_channels=4))
    with pytest.raises(ValueError, match='in_channels'):
        align(torch.randn(1, 3, 5, 5), torch.randn(1, 3, 5, 5))


def test_embed_init_std_starts_the_weights_near_uniform():
    """``embed_init_std`` draws the embedding convs from N(0, std^2) with
    zero biases, at build time and again after ``init_weights()`` (which
    re-runs ConvModule's Kaiming init); with large inputs the default
    embeddings start with peaked weights, the small ones near uniform."""
    from mmtin.ops import lsts_align
    torch.manual_seed(0)
    cfg = dict(type='LSTSAlign', in_channels=64, embed_channels=32,
               num_offsets=25, grid_radius=2.)
    small = MODELS.build(dict(cfg, embed_init_std=0.01))
    for stage in ('built', 'init_weights'):
        for embed in (small.embed_cur, small.embed_ref):
            assert 0.008 < embed.conv.weight.std() < 0.012, stage
            assert embed.conv.bias.abs().max() == 0, stage
        small.init_weights()
    default = MODELS.build(cfg)
    default.init_weights()
    assert default.embed_cur.conv.weight.std() > 0.1
    cur, ref = torch.randn(2, 64, 8, 8) * 3, torch.randn(2, 64, 8, 8) * 3

    def max_weight(align):
        _, w = lsts_align(ref, align.embed_cur(cur), align.embed_ref(ref),
                          align.offsets, return_weights=True)
        return w.max(dim=1).values.mean()

    with torch.no_grad():
        assert max_weight(small) < 0.1  # uniform: 1 / 25
        assert max_weight(default) > 0.5
    for bad in (0, -0.1, True, '0.01'):
        with pytest.raises(ValueError, match='embed_init_std'):
            MODELS.build(dict(cfg, embed_init_std=bad))


def test_align_embeds_then_weights_samples():
    """One offset at zero returns the reference features whatever the
    embeddings; a shared embedding is one module."""
    align = MODELS.build(dict(type='LSTSAlign', in_channels=4,
                              embed_channels=3, num_offsets=1,
                              offset_init=[[0, 0]], share_embedding=True))
    assert align.embed_cur is align.embed_ref
    cur, ref, feat = (torch.randn(2, 4, 5, 5), torch.randn(2, 4, 5, 5),
                      torch.randn(2, 7, 5, 5))
    torch.testing.assert_close(align(cur, ref, feat), feat)
    torch.testing.assert_close(align(cur, ref), ref)


def test_offsets_learn_with_paramwise_lr_mult():
    from mmengine.optim import build_optim_wrapper
    model = torch.nn.Module()
    model.align = MODELS.build(dict(type='LSTSAlign', in_channels=4,
                                    num_offsets=9))
    wrapper = build_optim_wrapper(model, dict(
        optimizer=dict(type='SGD', lr=0.01, weight_decay=1e-4),
        paramwise_cfg=dict(custom_keys={
            '.offsets': dict(lr_mult=100., decay_mult=0.)})))
    groups = {id(p): g for g in wrapper.optimizer.param_groups
              for p in g['params']}
    g = groups[id(model.align.offsets)]
    assert g['lr'] == pytest.approx(1.0) and g['weight_decay'] == 0
    g = groups[id(model.align.embed_cur.conv.weight)]
    assert g['lr'] == pytest.approx(0.01)


def _quality(fusion, x):
    """The quality net written out with F.conv2d on the module's weights."""
    convs = [m.conv for m in fusion.quality]
    y = F.relu(F.conv2d(x, convs[0].weight, convs[0].bias))
    y = F.relu(F.conv2d(y, convs[1].weight, convs[1].bias, padding=1))
    return F.conv2d(y, convs[2].weight, convs[2].bias, padding=1)


def test_quality_fusion_softmax_over_inputs():
    fusion = MODELS.build(dict(type='LSTSQualityFusion', in_channels=6,
                               num_inputs=3, mid_channels=8,
                               quality_channels=4))
    xs = [torch.randn(2, 6, 5, 4) for _ in range(3)]
    scores = torch.stack([_quality(fusion, x) for x in xs])  # [3,B,1,H,W]
    weights = torch.exp(scores) / torch.exp(scores).sum(0)
    expected = sum(w * x for w, x in zip(weights, xs))
    torch.testing.assert_close(fusion(xs), expected, rtol=1e-5, atol=1e-5)
    same = torch.randn(2, 6, 5, 4)
    torch.testing.assert_close(fusion([same] * 3), same)
    with pytest.raises(ValueError, match='num_inputs=3'):
        fusion(xs[:2])
    with pytest.raises(ValueError, match='in_channels'):
        fusion([torch.randn(2, 5, 5, 4)] * 3)


def test_quality_fusion_scores_each_input_with_the_reference():
    """reference=1: input j's score is the quality network on the channel
    concatenation [x_j, x_1]; so two inputs that look alike alone get
    different weights by how they agree with the reference."""
    fusion = MODELS.build(dict(type='LSTSQualityFusion', in_channels=6,
                               num_inputs=3, mid_channels=8,
                               quality_channels=4, reference=1))
    assert fusion.quality[0].conv.in_channels == 12
    xs = [torch.randn(2, 6, 5, 4) for _ in range(3)]
    scores = torch.stack([_quality(fusion, torch.cat((x, xs[1]), 1))
                          for x in xs])
    weights = torch.exp(scores) / torch.exp(scores).sum(0)
    expected = sum(w * x for w, x in zip(weights, xs))
    torch.testing.assert_close(fusion(xs), expected, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(fusion.quality_weights(xs), weights,
                               rtol=1e-5, atol=1e-6)
    for bad in (3, -1, True, 1.0):
        with pytest.raises(ValueError, match='reference must be None or'):
            MODELS.build(dict(type='LSTSQualityFusion', in_channels=6,
                              num_inputs=3, reference=bad))


def test_low2high_shapes_and_config_parts():
    l2h = MODELS.build(dict(type='LSTSLow2High', in_channels=8,
                            out_channels=32, mid_channels=16, stride=2,
                            norm_cfg=dict(type='BN'),
                            act_cfg=dict(type='LeakyReLU')))
    assert l2h(torch.randn(2, 8, 16, 16)).shape == (2, 32, 8, 8)
    assert isinstance(l2h.layers[0].bn, torch.nn.BatchNorm2d)
    assert isinstance(l2h.layers[2].activate, torch.nn.LeakyReLU)
    with pytest.raises(ValueError, match='in_channels'):
        l2h(torch.randn(2, 4, 16, 16))


def test_align_deploy_form_equals_training_form():
    align = MODELS.build(dict(type='LSTSAlign', in_channels=6,
                              embed_channels=5, num_offsets=9,
                              offset_init='normal', normal_std=2.0))
    cur, ref = torch.randn(2, 6, 7, 8), torch.randn(2, 6, 7, 8)
    feat = torch.randn(2, 3, 7, 8)
    expected = align(cur, ref, feat)
    assert not align.deploy
    align.switch_to_deploy()
    assert align.deploy
    torch.testing.assert_close(align(cur, ref, feat), expected, rtol=1e-5,
                               atol=1e-5)
