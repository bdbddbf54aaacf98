# Copyright (c) OpenMMLab. All rights reserved.
import pytest
from mmaction.registry import METRICS

import mmtin  # noqa: F401


def test_averages_gflops_and_frames():
    metric = METRICS.build(dict(type='AdaFocusFLOPsMetric'))
    metric.process(None, [dict(gflops=0.5, frames_used=4),
                          dict(gflops=0.25, frames_used=2)])
    metric.process(None, [dict(gflops=0.0, frames_used=0)])
    out = metric.compute_metrics(metric.results)
    assert out['gflops_per_video'] == pytest.approx(0.25)
    assert out['frames_per_video'] == pytest.approx(2)


def test_missing_field_named():
    metric = METRICS.build(dict(type='AdaFocusFLOPsMetric'))
    with pytest.raises(KeyError, match='gflops'):
        metric.process(None, [dict(pred_score=1)])
