# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMMLMetric: top-1, GFLOPs and usage per class by hand."""
import pytest
import torch

from mmtin.evaluation import AdaMMLMetric


def _sample(score, label, usage, gflops, missing=False):
    return dict(
        pred_score=torch.tensor(score), gt_label=torch.tensor([label]),
        modality_usage=torch.tensor(usage), gflops=torch.tensor(gflops),
        audio_missing=missing)


def test_metrics_by_hand():
    metric = AdaMMLMetric(modalities=('rgb', 'audio'))
    metric.process(None, [
        _sample([0.9, 0.1], 0, [1.0, 0.0], 1.0),
        _sample([0.2, 0.8], 0, [0.5, 0.5], 2.0, missing=True),
        _sample([0.3, 0.7], 1, [0.0, 1.0], 3.0),
    ])
    out = metric.compute_metrics(metric.results)
    assert out['top1'] == pytest.approx(2 / 3)
    assert out['gflops'] == pytest.approx(2.0)
    assert out['usage/rgb'] == pytest.approx(0.5)
    assert out['usage/audio/class_0'] == pytest.approx(0.25)
    assert out['usage/audio/class_1'] == pytest.approx(1.0)
    assert out['audio_silenced'] == 1


def test_wrong_modalities_are_named():
    metric = AdaMMLMetric(modalities=('rgb', 'audio', 'motion'))
    with pytest.raises(ValueError, match='modalities'):
        metric.process(None, [_sample([1., 0.], 0, [1.0, 0.0], 1.0)])
