# Copyright (c) OpenMMLab. All rights reserved.
"""TwoStageFrameDetector and LSTSVideoDetector: losses train, predictions
are well-formed, the propagation path matches the per-frame detector where
it must, and the controls (copy, per-frame) build what they should."""
import copy

import pytest
import torch
from mmengine.registry import init_default_scope
from vid_detection_helpers import FRAME, VIDEO, clip_samples

import mmtin  # noqa: F401
from mmaction.registry import MODELS


def build(cfg, seed=0):
    init_default_scope('mmaction')
    torch.manual_seed(seed)
    model = MODELS.build(copy.deepcopy(cfg))
    model.init_weights()
    return model


@pytest.mark.parametrize('cfg', [FRAME, VIDEO, dict(VIDEO, alignment='copy')])
def test_loss_backward_and_predict(cfg):
    model = build(cfg)
    inputs, samples = clip_samples()
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss_rpn_cls', 'loss_rpn_bbox', 'loss_cls',
                           'loss_bbox'}
    sum(losses.values()).backward()
    for name, p in model.named_parameters():
        if 'offsets' in name:
            assert p.grad is not None and p.grad.abs().sum() > 0, name
    model.eval()
    with torch.no_grad():
        out = model(inputs, samples, mode='predict')
    assert len(out) == 2 and len(out[0].pred_instances) == 3
    det = out[0].pred_instances[0]
    assert det.bboxes.shape[1] == 4 and len(det.scores) == len(det.labels)
    assert (det.bboxes[:, 2:] <= 32).all() and (det.bboxes >= 0).all()


def _shared_frame_detector(video):
    frame = build(FRAME, seed=1)
    missing, unexpected = frame.load_state_dict(video.state_dict(),
                                                strict=False)
    assert not missing
    return frame.eval()


def test_keyframe_only_clip_equals_per_frame_detector():
    video = build(dict(VIDEO, keyframe_interval=4)).eval()
    frame = _shared_frame_detector(video)
    inputs, samples = clip_samples(n=2, t=1)
    with torch.no_grad():
        a = video(inputs, mode='tensor')
        b = frame(inputs, mode='tensor')
        pa = video.predict(inputs, copy.deepcopy(samples))
        pb = frame.predict(inputs, copy.deepcopy(samples))
    for x, y in zip(a, b):
        assert torch.allclose(x, y, atol=1e-5)
    for sa, sb in zip(pa, pb):
        assert torch.allclose(sa.pred_instances[0].bboxes,
                              sb.pred_instances[0].bboxes, atol=1e-4)
    # the keyframes of a longer clip see the memory (SRFU) and differ from
    # the per-frame detector after the first one
    inputs, _ = clip_samples(n=1, t=5)
    with torch.no_grad():
        fa = video.clip_features(inputs)
        fb = frame.clip_features(inputs)
    assert torch.allclose(fa[0], fb[0], atol=1e-5)
    assert not torch.allclose(fa[4], fb[4], atol=1e-3)


def test_per_frame_control_equals_frame_detector():
    video = build(dict(VIDEO, keyframe_interval=1)).eval()
    assert video.low2high is None and video.srfu_fusion is None
    frame = _shared_frame_detector(video)
    inputs, _ = clip_samples(n=1, t=3)
    with torch.no_grad():
        assert torch.allclose(video.clip_features(inputs),
                              frame.clip_features(inputs), atol=1e-5)


def test_copy_control_uses_the_memory_unaligned():
    video = build(dict(VIDEO, alignment='copy', dfa_fusion=None,
                       srfu_fusion=None, keyframe_interval=3)).eval()
    assert video.low2high is None and video.dfa_align is None
    inputs, _ = clip_samples(n=1, t=5)
    with torch.no_grad():
        f = video.clip_features(inputs)
    # frames 1, 2 copy keyframe 0; frame 4 copies keyframe 3
    assert torch.equal(f[1], f[0]) and torch.equal(f[2], f[0])
    assert torch.equal(f[4], f[3]) and not torch.equal(f[3], f[0])


def test_lsts_non_key_frames_follow_hand_computation():
    """Non-key frame = dfa_fusion([dfa_align(L, M, M), L]) with L =
    low2high(low level), M = the keyframe's high-level features."""
    video = build(VIDEO).eval()
    frame = _shared_frame_detector(video)
    inputs, _ = clip_samples(n=1, t=2)
    bb = frame.backbone
    with torch.no_grad():
        m = frame.clip_features(inputs[:, :1])
        x = inputs[0, 1:]
        low = bb.layer1(bb.maxpool(bb.relu(bb.norm1(bb.conv1(x)))))
        cur = video.low2high(low)
        ref = video.dfa_fusion([video.dfa_align(cur, m, m), cur])
        got = video.clip_features(inputs)[1:]
    assert torch.allclose(got, ref, atol=1e-5)


@pytest.mark.parametrize('kw,match', [
    (dict(keyframe_interval=0), 'keyframe_interval must be'),
    (dict(alignment='flow'), "alignment='flow' must be one of"),
    (dict(low2high=None), 'low2high is required'),
    (dict(num_low_stages=3), r'num_low_stages=3 must be an int in \[0, 2\]'),
    (dict(keyframe_loss_weight=1.0), 'keyframe_loss_weight must be None or'),
    (dict(keyframe_loss_weight='half'), 'keyframe_loss_weight must be'),
    (dict(dfa_memory_dropout=1.0), r'dfa_memory_dropout must be a number'),
    (dict(dfa_memory_dropout=0.5, dfa_fusion=None),
     'dfa_memory_dropout needs dfa_fusion'),
])
def test_bad_config_errors(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        build(dict(VIDEO, **kw))


def test_keyframe_loss_weight_weighs_keyframes_and_the_others_apart():
    """w * (losses of the keyframes alone) + (1 - w) * (those of the
    non-key frames alone), the heads called on each set by hand."""
    model = build(dict(VIDEO, keyframe_loss_weight=0.25))
    inputs, samples = clip_samples()  # 2 clips x 3 frames, k = 2
    torch.manual_seed(3)  # the heads sample anchors and RoIs
    got = model(inputs, samples, mode='loss')
    with torch.no_grad():
        feats = model.head_features(inputs)
    bboxes = [f.bboxes for s in samples for f in s.gt_instances]
    labels = [f.labels for s in samples for f in s.gt_instances]
    torch.manual_seed(3)
    ref = {}
    for w, idx in ((0.25, [0, 2, 3, 5]), (0.75, [1, 4])):
        part = feats[idx]
        gts = [bboxes[i] for i in idx]
        losses = model.rpn_head.loss(part, gts)
        proposals = model.rpn_head.proposals(part, [(32, 32)] * len(idx))
        losses.update(model.roi_head.loss(part, proposals, gts,
                                          [labels[i] for i in idx]))
        for name, value in losses.items():
            ref[name] = ref.get(name, 0) + w * value
    assert set(got) == set(ref)
    for name in got:
        assert torch.allclose(got[name], ref[name], atol=1e-6), name
    sum(got.values()).backward()
    assert model.dfa_align.offsets.grad.abs().sum() > 0
    # the default weighs every frame the same: another number
    torch.manual_seed(3)
    plain = build(VIDEO)(inputs, samples, mode='loss')
    assert not torch.allclose(plain['loss_cls'], got['loss_cls'])


def test_dfa_memory_dropout_gives_dropped_frames_their_own_features():
    """In training, each non-key frame is either the fusion by hand or its
    low2high features alone (dropped), about the given share of them; in
    eval none is dropped; the keyframes never change."""
    model = build(dict(VIDEO, dfa_memory_dropout=0.5))
    model.eval()  # fixed BN statistics, dropout still keyed on .training
    inputs = torch.randn(8, 2, 3, 32, 32)
    bb = model.backbone
    with torch.no_grad():
        x = inputs[:, 1]
        cur = model.low2high(
            bb.layer1(bb.maxpool(bb.relu(bb.norm1(bb.conv1(x))))))
        mem = model.clip_features(inputs[:, :1])
        fused = model.dfa_fusion([model.dfa_align(cur, mem, mem), cur])
        assert torch.allclose(model.clip_features(inputs)[1::2], fused,
                              atol=1e-5)
        model.dfa_fusion.training = model.training = True  # dropout on
        torch.manual_seed(0)
        got = model.clip_features(inputs)
    non_key = got[1::2]
    dropped = [torch.allclose(g, c, atol=1e-5) for g, c in zip(non_key, cur)]
    kept = [torch.allclose(g, f, atol=1e-5) for g, f in zip(non_key, fused)]
    assert all(d != k for d, k in zip(dropped, kept))
    assert 1 <= sum(dropped) <= 7
    assert torch.allclose(got[::2], mem, atol=1e-5)


def test_low2high_mismatch_is_named():
    model = build(dict(VIDEO, low2high=dict(VIDEO['low2high'], stride=1)))
    with pytest.raises(ValueError, match=r"low2high gives \(32, 8, 8\) per "
                       r"frame but the high-level features are \(32, 4, 4\)"):
        model.clip_features(torch.randn(1, 2, 3, 32, 32))


def test_neck_runs_on_every_frame():
    neck = dict(type='ConvModule', in_channels=32, out_channels=16,
                kernel_size=1)
    model = build(dict(VIDEO, neck=neck,
                       rpn_head=dict(VIDEO['rpn_head'], in_channels=16),
                       roi_head=dict(VIDEO['roi_head'], in_channels=16)))
    inputs, samples = clip_samples(n=1, t=3)
    feats, logits, deltas = model(inputs, mode='tensor')
    assert feats.shape == (3, 16, 4, 4) and logits.shape[0] == 3
    assert set(model(inputs, samples, mode='loss')) >= {'loss_cls'}


def test_missing_ground_truth_is_named():
    model = build(FRAME)
    inputs, samples = clip_samples(n=1, t=3)
    samples[0].gt_instances = samples[0].gt_instances[:2]
    with pytest.raises(ValueError, match='data sample 0 has 2 gt_instances; '
                       r'expected one per frame \(3\)'):
        model(inputs, samples, mode='loss')
    with pytest.raises(ValueError, match=r'inputs must be \[N, T, 3, H, W\]'):
        model(torch.zeros(2, 3), mode='tensor')
