# Copyright (c) OpenMMLab. All rights reserved.
"""EnsembleRecognizer: hand-computed fusion, frame selection by hand,
identical members, checkpoints, bad selectors and a member's ONNX export."""
import math

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

import mmtin  # noqa: F401
from mmtin.models.recognizers.ensemble_recognizer import select_units

TINY_ARCH = dict(
    stem=4,
    stages=[(4, '8/155*'), (8, '12/333*'), (8, '16/533'), (8, '12/333'),
            (12, '16/133*')],
    project=16)
PRE = dict(
    type='mmaction.ActionDataPreprocessor',
    mean=[0., 0., 0.],
    std=[1., 1., 1.],
    format_shape='NCTHW')


def member(num_classes=3, average_clips='prob'):
    return dict(
        type='Recognizer3D',
        backbone=dict(type='MoViNet', arch=TINY_ARCH),
        cls_head=dict(
            type='I3DHead',
            num_classes=num_classes,
            in_channels=16,
            dropout_ratio=0.,
            average_clips=average_clips),
        data_preprocessor=PRE)


def build(members, **kwargs):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(type='EnsembleRecognizer', members=members, **kwargs))
    return model.eval()


def constant_logits(model, biases):
    """Member i outputs the logits ``biases[i]`` whatever the input."""
    for m, bias in zip(model.members, biases):
        m.cls_head.fc_cls.weight.data.zero_()
        m.cls_head.fc_cls.bias.data.copy_(torch.tensor(bias))


def softmax(row):
    exps = [math.exp(v) for v in row]
    return [e / sum(exps) for e in exps]


B1, B2 = [1.0, 0.0, -1.0], [0.0, 2.0, 0.5]


def test_fuse_logits_by_hand():
    model = build([dict(model=member()), dict(model=member())])
    constant_logits(model, [B1, B2])
    with torch.no_grad():
        out = model(torch.rand(2, 1, 3, 4, 16, 16))
    mean = [(a + b) / 2 for a, b in zip(B1, B2)]  # 0.5, 1.0, -0.25
    expected = torch.tensor([softmax(mean)] * 2)
    torch.testing.assert_close(out, expected, rtol=0, atol=1e-6)


def test_fuse_prob_by_hand():
    model = build([dict(model=member()), dict(model=member())], fuse='prob')
    constant_logits(model, [B1, B2])
    with torch.no_grad():
        out = model(torch.rand(1, 2, 3, 4, 16, 16))  # 2 views
    expected = [(a + b) / 2 for a, b in zip(softmax(B1), softmax(B2))]
    torch.testing.assert_close(out, torch.tensor([expected]), rtol=0,
                               atol=1e-6)


def test_member_scores_average_logits_over_views():
    """fuse='logits': a member's views are averaged as logits."""
    model = build([dict(model=member())])
    x = torch.rand(1, 3, 3, 4, 16, 16)
    m = model.members[0]
    with torch.no_grad():
        per_view = [m.cls_head(m.backbone(x[:, v])) for v in range(3)]
        got = model.member_scores(x, 0)
    torch.testing.assert_close(got, sum(per_view) / 3, rtol=1e-5,
                               atol=1e-6)


def test_frames_ncthw_equal_slicing_by_hand():
    model = build([
        dict(model=member(), frames=dict(offset=0, stride=2)),
        dict(model=member(), frames=dict(offset=1, stride=2)),
        dict(model=member(), frames=dict(indices=[4, 0, 3])),
    ])
    x = torch.rand(2, 1, 3, 6, 8, 8)
    hand = [
        torch.stack([x[:, :, :, t] for t in (0, 2, 4)], dim=3),
        torch.stack([x[:, :, :, t] for t in (1, 3, 5)], dim=3),
        torch.stack([x[:, :, :, t] for t in (4, 0, 3)], dim=3),
    ]
    for i, expected in enumerate(hand):
        assert torch.equal(model.member_inputs(x, i), expected)


def test_frames_nchw_segments_by_hand():
    """2D layout [N, V*T, C, H, W], segments of 2 frames (as TDN's 5)."""
    model = build([dict(model=member(), frames=dict(offset=1, stride=2))],
                  segment_len=2, num_frames=8)
    x = torch.rand(1, 16, 3, 4, 4)  # 2 views x 8 frames
    rows = []
    for view in range(2):
        for seg in (1, 3):  # units 1 and 3 of the 4 segments
            for j in range(2):
                rows.append(x[:, view * 8 + seg * 2 + j])
    assert torch.equal(model.member_inputs(x, 0), torch.stack(rows, dim=1))


def test_half_rate_members_see_all_frames_once():
    model = build([
        dict(model=member(), frames=dict(offset=0, stride=2)),
        dict(model=member(), frames=dict(offset=1, stride=2)),
    ])
    x = torch.arange(8.).view(1, 1, 1, 8, 1, 1).expand(1, 1, 3, 8, 2, 2)
    seen = torch.cat([model.member_inputs(x, i)[0, 0, 0, :, 0, 0]
                      for i in range(2)])
    assert sorted(seen.tolist()) == list(range(8))


def test_identical_members_equal_one_member(tmp_path):
    torch.manual_seed(3)
    single = MODELS.build(member()).eval()
    path = tmp_path / 'member.pth'
    torch.save(dict(state_dict=single.state_dict()), path)
    model = build([dict(model=member(), checkpoint=str(path))] * 2,
                  fuse='prob')
    x = torch.rand(2, 1, 3, 4, 16, 16) * 255
    samples = [ActionDataSample() for _ in range(2)]
    data = model.data_preprocessor(dict(inputs=list(x),
                                        data_samples=samples))
    with torch.no_grad():
        preds = model(**data, mode='predict')
        ref = single(**single.data_preprocessor(
            dict(inputs=list(x),
                 data_samples=[ActionDataSample() for _ in range(2)])),
            mode='predict')
    for pred, r in zip(preds, ref):
        torch.testing.assert_close(pred.pred_score, r.pred_score)
        assert pred.pred_label.item() == r.pred_label.item()
    # init_weights re-initialises the members, then reloads the checkpoint
    model.init_weights()
    torch.testing.assert_close(model.members[1].state_dict(),
                               single.state_dict())


def test_checkpoint_is_strict(tmp_path):
    state = MODELS.build(member()).state_dict()
    state['extra.weight'] = torch.zeros(1)
    del state['cls_head.fc_cls.bias']
    path = tmp_path / 'bad.pth'
    torch.save(dict(state_dict=state), path)
    with pytest.raises(RuntimeError) as err:
        build([dict(model=member()),
               dict(model=member(), checkpoint=str(path))])
    msg = str(err.value)
    assert 'members[1]' in msg and 'bad.pth' in msg
    assert 'cls_head.fc_cls.bias' in msg and 'extra.weight' in msg


def test_missing_checkpoint_names_the_member(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'members\[0\]\.checkpoint'):
        build([dict(model=member(), checkpoint=str(tmp_path / 'no.pth'))])


def test_loss_is_the_members_losses():
    model = build([
        dict(model=member(), frames=dict(offset=0, stride=2)),
        dict(model=member(), frames=dict(offset=1, stride=2)),
    ]).train()
    x = torch.rand(2, 1, 3, 4, 16, 16)
    samples = [ActionDataSample().set_gt_label(i) for i in range(2)]
    losses = model(x, samples, mode='loss')
    ref = model.members[1].loss(x[:, :, :, 1::2], samples)
    torch.testing.assert_close(losses['member1.loss_cls'], ref['loss_cls'])
    assert 'member0.loss_cls' in losses


@pytest.mark.parametrize('frames, match', [
    (dict(offset=4), 'offset=4 is past'),
    (dict(stride=0), 'frames.stride must be an int >= 1'),
    (dict(offset=-1), 'frames.offset must be an int >= 0'),
    (dict(indices=[0, 4]), r'indices \[4\] out of range'),
    (dict(indices=[]), 'indices is empty'),
    (dict(indices=[0], stride=2), 'either indices or offset/stride'),
    (dict(step=2), 'unknown frames keys'),
])
def test_bad_selector(frames, match):
    with pytest.raises((ValueError, KeyError), match=match):
        select_units(4, frames, 'members[0]')


def test_bad_inputs_name_the_member():
    model = build([dict(model=member()),
                   dict(model=member(), frames=dict(offset=5))],
                  num_frames=4)
    with pytest.raises(ValueError, match=r'members\[0\].*6 frames'):
        model(torch.rand(1, 1, 3, 6, 16, 16))
    with pytest.raises(ValueError, match=r'members\[1\].*offset=5'):
        model(torch.rand(1, 1, 3, 4, 16, 16))
    seg = build([dict(model=member())], segment_len=3)
    with pytest.raises(ValueError, match='multiple of segment_len=3'):
        seg(torch.rand(1, 1, 3, 4, 16, 16))


@pytest.mark.parametrize('cfg, match', [
    (dict(members=[]), 'non-empty list'),
    (dict(members=[dict(model=member())], fuse='mean'), 'fuse must be'),
    (dict(members=[dict(cfg=member())]), r'members\[0\] needs the key'),
    (dict(members=[dict(model=member())], num_frames=5, segment_len=2),
     'not a multiple'),
])
def test_bad_config(cfg, match):
    with pytest.raises((ValueError, KeyError), match=match):
        MODELS.build(dict(type='EnsembleRecognizer', **cfg))


def test_member_exports_to_onnx_on_its_own():
    pytest.importorskip('onnxruntime')
    from mmtin.deployment.onnx_export import (example_inputs, export_module,
                                              export_onnx, verify_onnx)
    model = build([dict(model=member()),
                   dict(model=member(), frames=dict(offset=1, stride=2))])
    shape = (1, 1, 3, 2, 16, 16)  # the half-rate member's frames
    module = export_module(model.members[1], shape)
    onnx = export_onnx(module, example_inputs(module, shape))
    (_, diff, scale), = verify_onnx(module, onnx, shape)
    assert diff <= 1e-4 * max(scale, 1.0)
