# Copyright (c) OpenMMLab. All rights reserved.
"""VIDCocoMetric through pycocotools: a perfect prediction scores 1.0,
hand-computed partial cases, the degraded-frame subsets, rescaling."""
import pytest
import torch
from mmengine.structures import BaseDataElement, InstanceData

import mmtin  # noqa: F401
from mmaction.registry import METRICS


def sample(frames, scale=1.):
    """``frames``: per frame (gt boxes, gt labels, pred boxes, scores,
    pred labels, degradation)."""
    s = BaseDataElement(metainfo=dict(
        frame_ids=[f'v/{i:06d}' for i in range(len(frames))],
        degradations=[f[5] for f in frames], scale_factor=scale))
    s.gt_instances = [InstanceData(bboxes=torch.tensor(f[0]).view(-1, 4),
                                   labels=torch.tensor(f[1]))
                      for f in frames]
    s.pred_instances = [InstanceData(bboxes=torch.tensor(f[2]).view(-1, 4),
                                     scores=torch.tensor(f[3]),
                                     labels=torch.tensor(f[4]))
                        for f in frames]
    return s


def evaluate(samples, classes=('a', 'b')):
    metric = METRICS.build(dict(type='VIDCocoMetric'))
    metric.dataset_meta = dict(classes=classes)
    metric.process({}, [s.to_dict() for s in samples])
    return metric.evaluate(len(samples))


BOX_A, BOX_B = [4., 4., 24., 30.], [30., 10., 50., 20.]


def test_perfect_prediction_is_one():
    frames = [([BOX_A, BOX_B], [0, 1], [BOX_A, BOX_B], [0.9, 0.8], [0, 1],
               ''),
              ([BOX_A], [1], [BOX_A], [0.7], [1], 'blur'),
              ([BOX_B], [0], [BOX_B], [0.6], [0], 'occlusion')]
    out = evaluate([sample(frames)])
    for key in ('mAP', 'mAP_50', 'degraded/mAP', 'degraded/mAP_50',
                'blur/mAP_50', 'occlusion/mAP'):
        assert out[f'vid/{key}'] == pytest.approx(1.0), key


def test_hand_computed_partial_scores():
    # IoU 0.72: a hit at thresholds .50-.70 (5 of 10) -> mAP 0.5
    gt, pred = [0., 0., 10., 10.], [0., 0., 10., 7.2]
    out = evaluate([sample([([gt], [0], [pred], [0.9], [0], '')])],
                   classes=('a', ))
    assert out['vid/mAP_50'] == pytest.approx(1.0)
    assert out['vid/mAP'] == pytest.approx(0.5)
    assert 'vid/degraded/mAP' not in out
    # frame 1 (blurred) is missed: overall recall 1/2 for class a
    frames = [([BOX_A], [0], [BOX_A], [0.9], [0], ''),
              ([BOX_B], [0], [[60., 60., 70., 70.]], [0.8], [0], 'blur')]
    out = evaluate([sample(frames)], classes=('a', ))
    assert out['vid/mAP_50'] == pytest.approx(0.5, abs=0.01)
    assert out['vid/degraded/mAP_50'] == 0.
    # a wrong label counts as a miss of one class and a false positive of
    # the other: the mean over classes with ground truth is 0
    frames = [([BOX_A], [0], [BOX_A], [0.9], [1], '')]
    assert evaluate([sample(frames)])['vid/mAP_50'] == 0.


def test_boxes_rescaled_and_duplicates_rejected():
    # ground truth at half scale (resized input), predictions in original
    half = [v / 2 for v in BOX_A]
    out = evaluate([sample([([half], [0], [BOX_A], [0.9], [0], '')],
                           scale=0.5)])
    assert out['vid/mAP'] == pytest.approx(1.0)
    s = sample([([BOX_A], [0], [BOX_A], [0.9], [0], '')])
    with pytest.raises(ValueError, match="frame 'v/000000' was predicted "
                       'twice'):
        evaluate([s, s])


def test_no_detection_scores_zero():
    frames = [([BOX_A], [0], [], [], [], '')]
    s = sample(frames)
    s.pred_instances = [InstanceData(bboxes=torch.zeros(0, 4),
                                     scores=torch.zeros(0),
                                     labels=torch.zeros(0, dtype=torch.long))]
    assert evaluate([s])['vid/mAP_50'] == 0.


def test_keyframe_subsets_split_each_clip_by_position():
    """k = 2 over two clips of 3 frames: positions 0 and 2 of *each* clip
    are keyframes. Right on those, nothing elsewhere: keyframe mAP 1,
    non-key 0 (with positions counted over both clips, the second clip's
    first frame would be non-key and score there)."""
    def clip(video):
        frames = [([BOX_A], [0], [BOX_A] if t % 2 == 0 else [],
                   [0.9] if t % 2 == 0 else [],
                   [0] if t % 2 == 0 else [], '') for t in range(3)]
        s = sample(frames)
        s.set_metainfo(dict(frame_ids=[f'{video}/{t}' for t in range(3)]))
        return s

    metric = METRICS.build(dict(type='VIDCocoMetric', keyframe_interval=2))
    metric.dataset_meta = dict(classes=('a', ))
    metric.process({}, [clip('v1').to_dict(), clip('v2').to_dict()])
    out = metric.evaluate(2)
    assert out['vid/keyframe/mAP_50'] == pytest.approx(1.0)
    assert out['vid/nonkey/mAP_50'] == 0.
    assert out['vid/mAP_50'] == pytest.approx(4 / 6, abs=0.02)
    # without the option there are no such subsets
    assert not any('keyframe' in k for k in evaluate([clip('v3')]))
    for bad in (0, 1.5, True, '2'):
        with pytest.raises(ValueError, match='keyframe_interval'):
            METRICS.build(dict(type='VIDCocoMetric', keyframe_interval=bad))
