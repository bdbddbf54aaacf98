# Copyright (c) OpenMMLab. All rights reserved.
"""``LSTSPropagationRecognizer``: keyframes, copy/LSTS/plain paths, errors."""
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmtin.models.recognizers.lsts_propagation_recognizer import \
    keyframe_layout

init_default_scope('mmaction')


def _cfg(**kwargs):
    cfg = dict(
        type='LSTSPropagationRecognizer',
        backbone=dict(type='ResNet', _scope_='mmpretrain', depth=18,
                      stem_channels=8, base_channels=8, num_stages=3,
                      strides=(1, 2, 1), dilations=(1, 1, 1),
                      out_indices=(2, )),
        cls_head=dict(type='TSNHead', num_classes=2, in_channels=32,
                      consensus=dict(type='AvgConsensus', dim=1),
                      average_clips='prob'),
        low2high=dict(type='LSTSLow2High', in_channels=8, out_channels=32,
                      mid_channels=8, stride=2),
        align=dict(type='LSTSAlign', embed_channels=8, num_offsets=9),
        num_segments=4, keyframe_interval=2,
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               format_shape='NCHW'))
    cfg.update(kwargs)
    return cfg


def _build(**kwargs):
    model = MODELS.build(_cfg(**kwargs))
    return model.eval()


def test_keyframe_layout():
    assert keyframe_layout(8, 4, 'middle') == ([2, 6],
                                               [2, 2, 2, 2, 6, 6, 6, 6])
    assert keyframe_layout(8, 4, 'first') == ([0, 4],
                                              [0, 0, 0, 0, 4, 4, 4, 4])
    assert keyframe_layout(6, 3, 'middle') == ([1, 4], [1, 1, 1, 4, 4, 4])
    assert keyframe_layout(4, 1, 'first') == ([0, 1, 2, 3], [0, 1, 2, 3])


def test_plain_runs_the_backbone_on_every_frame():
    model = _build(keyframe_interval=1)
    assert model.low2high is None and model.align is None
    x = torch.randn(2, 4, 3, 32, 32)
    feats, kwargs = model.extract_feat(x)
    torch.testing.assert_close(feats, model.backbone(x.flatten(0, 1))[-1])
    assert kwargs == dict(num_segs=4)


@pytest.mark.parametrize('position', ['middle', 'first'])
def test_copy_gives_each_frame_its_keyframe_features(position):
    model = _build(propagation='copy', key_position=position)
    assert model.low2high is None and model.align is None
    x = torch.randn(2, 4, 3, 32, 32)
    feats, _ = model.extract_feat(x)
    full = model.backbone(x.flatten(0, 1))[-1].view(2, 4, 32, 4, 4)
    keys, sources = keyframe_layout(4, 2, position)
    torch.testing.assert_close(feats.view(2, 4, 32, 4, 4),
                               full[:, sources])


def test_lsts_with_one_zero_offset_equals_copy():
    align = dict(type='LSTSAlign', embed_channels=8, num_offsets=1,
                 offset_init=[[0, 0]])
    lsts = _build(align=align)
    copy = _build(propagation='copy')
    copy.load_state_dict(lsts.state_dict(), strict=False)
    x = torch.randn(2, 4, 3, 32, 32)
    torch.testing.assert_close(lsts.extract_feat(x)[0],
                               copy.extract_feat(x)[0])


def test_lsts_moves_keyframe_features_and_trains():
    model = _build(fusion=dict(type='LSTSQualityFusion', mid_channels=8))
    model.train()
    x = torch.randn(2, 4, 3, 32, 32)
    samples = [ActionDataSample().set_gt_label(i) for i in (0, 1)]
    loss = model(x, samples, mode='loss')['loss_cls']
    loss.backward()
    for p in (model.align.offsets, model.low2high.layers[0].conv.weight,
              model.fusion.quality[0].conv.weight,
              model.backbone.layer3[0].conv1.weight):
        assert p.grad is not None and p.grad.abs().sum() > 0
    preds = model.eval()(x, samples, mode='predict')
    assert preds[0].pred_score.shape == (2, )


def test_switch_to_deploy_keeps_the_scores():
    """The deploy form (``LSTSAlign`` by ``lsts_align_matmul``) gives the
    scores of the sampling form, for offsets off the integer grid."""
    from mmtin.models.utils import is_deployed, switch_to_deploy
    model = _build(fusion=dict(type='LSTSQualityFusion', mid_channels=8))
    with torch.no_grad():
        model.align.offsets.add_(torch.randn(9, 2) * 0.7)
    x = torch.randn(2, 4, 3, 32, 32)
    with torch.no_grad():
        expected = model.extract_feat(x, stage='head')[0]
        switch_to_deploy(model)
        assert is_deployed(model) and model.align.deploy
        got = model.extract_feat(x, stage='head')[0]
    torch.testing.assert_close(got, expected)


def test_multi_view_inputs_and_bad_input():
    model = _build()
    out, kwargs = model.extract_feat(torch.randn(1, 8, 3, 32, 32),
                                     stage='head')
    assert out.shape == (1, 2) and kwargs['num_segs'] == 8
    with pytest.raises(ValueError, match='num_segments=4'):
        model.extract_feat(torch.randn(1, 6, 3, 32, 32))


def test_bad_configs_name_the_key():
    with pytest.raises(ValueError, match='keyframe_interval=3 must divide '
                       'num_segments=4'):
        _build(keyframe_interval=3)
    with pytest.raises(ValueError, match='propagation'):
        _build(propagation='flow')
    with pytest.raises(ValueError, match='key_position'):
        _build(key_position='last')
    with pytest.raises(ValueError, match='low2high'):
        _build(low2high=None)
    with pytest.raises(ValueError, match='num_low_stages=3'):
        _build(num_low_stages=3)
    with pytest.raises(ValueError, match='offset_init'):
        _build(align=dict(type='LSTSAlign', num_offsets=4,
                          offset_init=[[0, 0, 0]] * 4))
    with pytest.raises(ValueError, match='low2high'):
        _build(low2high=dict(type='LSTSLow2High', in_channels=8,
                             out_channels=32, stride=1)).extract_feat(
                                 torch.randn(1, 4, 3, 32, 32))


@pytest.mark.parametrize('interval', [1, 2])
def test_sample_gflops_counts_keyframe_backbone_and_head(interval):
    """Copy propagation without fusion runs the backbone on the keyframes
    only: the cost per clip is the backbone on T / interval frames plus the
    head on T frames' features (counted separately); each view costs
    that; predict stores it as ``gflops``."""
    from mmtin.models.utils.flops import module_flops
    model = _build(propagation='copy', keyframe_interval=interval)
    keys = torch.zeros(4 // interval, 3, 32, 32)
    feats = torch.zeros(4, 32, 4, 4)
    per_clip = module_flops(model.backbone, (keys, )) + module_flops(
        model.cls_head, (feats, 4))
    assert per_clip > 0
    x = torch.randn(3, 8, 3, 32, 32)  # 2 views
    torch.testing.assert_close(
        model.sample_gflops(x),
        torch.full((3, ), 2 * per_clip / 1e9, dtype=torch.float64))
    samples = [ActionDataSample().set_gt_label(i % 2) for i in range(3)]
    with torch.no_grad():
        preds = model(x, samples, mode='predict')
    assert preds[2].gflops == pytest.approx(2 * per_clip / 1e9)
    with pytest.raises(ValueError, match='executed'):
        model.sample_gflops(x, torch.ones(3))
