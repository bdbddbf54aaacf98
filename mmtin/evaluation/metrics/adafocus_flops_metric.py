# Copyright (c) OpenMMLab. All rights reserved.
"""Average compute per video, next to accuracy in the test loop."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmaction.registry import METRICS


@METRICS.register_module()
class AdaFocusFLOPsMetric(BaseMetric):
    """Mean GFLOPs and frames used per video.

    Reads the ``gflops`` and ``frames_used`` fields that
    :class:`AdaFocusRecognizer` attaches to every prediction (early exit
    included), so ``test_evaluator = [dict(type='AccMetric'),
    dict(type='AdaFocusFLOPsMetric')]`` reports accuracy and cost side by
    side.

    Args:
        collect_device (str): Device used to collect results across
            processes. Default: ``'cpu'``.
        prefix (str, optional): Metric name prefix. Default: None
            (``'flops'``).
    """

    default_prefix = 'flops'

    def __init__(self, collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[Dict]) -> None:
        for sample in data_samples:
            if 'gflops' not in sample:
                raise KeyError(
                    'AdaFocusFLOPsMetric needs predictions with a "gflops" '
                    'field (from AdaFocusRecognizer); got keys '
                    f'{sorted(sample)}')
            self.results.append(
                (float(sample['gflops']), int(sample['frames_used'])))

    def compute_metrics(self, results: List) -> Dict[str, float]:
        gflops, frames = np.array(results, dtype=float).T
        return dict(
            gflops_per_video=float(gflops.mean()),
            frames_per_video=float(frames.mean()))
