# Copyright (c) OpenMMLab. All rights reserved.
"""GFLOPsMetric and SilencedAudioMetric on hand-made samples."""
import pytest
import torch
from mmaction.registry import METRICS
from mmengine.evaluator import Evaluator

import mmtin  # noqa: F401


def test_averages_gflops_and_frames():
    metric = METRICS.build(dict(type='GFLOPsMetric'))
    metric.process(None, [dict(gflops=0.5, usage=dict(frames=4)),
                          dict(gflops=0.25, usage=dict(frames=2))])
    metric.process(None, [dict(gflops=0.0, usage=dict(frames=0))])
    out = metric.compute_metrics(metric.results)
    assert out == {'gflops': pytest.approx(0.25),
                   'usage/frames': pytest.approx(2)}


def test_usage_per_class_by_hand():
    metric = METRICS.build(dict(type='GFLOPsMetric', per_class=True))

    def sample(label, usage, gflops):
        return dict(gt_label=torch.tensor([label]), gflops=gflops,
                    usage=dict(zip(('rgb', 'audio'), usage)))

    metric.process(None, [
        sample(0, [1.0, 0.0], 1.0),
        sample(0, [0.5, 0.5], 2.0),
        sample(1, [0.0, 1.0], 3.0),
    ])
    out = metric.compute_metrics(metric.results)
    assert out['gflops'] == pytest.approx(2.0)
    assert out['usage/rgb'] == pytest.approx(0.5)
    assert out['usage/audio'] == pytest.approx(0.5)
    assert out['usage/rgb/class_0'] == pytest.approx(0.75)
    assert out['usage/audio/class_0'] == pytest.approx(0.25)
    assert out['usage/audio/class_1'] == pytest.approx(1.0)
    assert len(out) == 1 + 2 + 2 * 2


def test_keys_next_to_acc_metric_have_no_prefix():
    """In an evaluator with AccMetric the keys are 'acc/top1' and
    'gflops' (mean GFLOPs per video)."""
    evaluator = Evaluator([METRICS.build(dict(type='AccMetric')),
                           METRICS.build(dict(type='GFLOPsMetric'))])
    samples = [
        dict(pred_score=torch.tensor([0.9, 0.1]), pred_label=torch.tensor(0),
             gt_label=torch.tensor([0]), gflops=1.5),
        dict(pred_score=torch.tensor([0.3, 0.7]), pred_label=torch.tensor(1),
             gt_label=torch.tensor([0]), gflops=0.5),
    ]
    evaluator.process(samples)
    out = evaluator.evaluate(2)
    assert out['acc/top1'] == pytest.approx(0.5)
    assert out['gflops'] == pytest.approx(1.0)
    assert not any(k.startswith('usage') for k in out)


def test_missing_field_named():
    metric = METRICS.build(dict(type='GFLOPsMetric'))
    with pytest.raises(KeyError, match='gflops'):
        metric.process(None, [dict(pred_score=1)])
    metric.process(None, [dict(gflops=1., usage=dict(frames=2)),
                          dict(gflops=1.)])
    with pytest.raises(KeyError, match='usage "frames"'):
        metric.compute_metrics(metric.results)


def test_silenced_audio_counted():
    metric = METRICS.build(dict(type='SilencedAudioMetric'))
    metric.process(None, [dict(audio_missing=True), dict(),
                          dict(audio_missing=False),
                          dict(audio_missing=True)])
    assert metric.compute_metrics(metric.results) == dict(audio_silenced=2.)
