# Copyright (c) OpenMMLab. All rights reserved.
"""Mean compute per video, next to MMAction2's ``AccMetric``."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmaction.registry import METRICS


@METRICS.register_module()
class GFLOPsMetric(BaseMetric):
    """Mean GFLOPs per video, and what the adaptive models chose to run.

    Reads the ``gflops`` field that the ``predict`` of mmtin's adaptive
    recognizers stores in every sample (from their ``sample_gflops``:
    ``AdaFocusRecognizer``, ``AdaMMLRecognizer``,
    ``LSTSPropagationRecognizer``) and, where present, their ``usage``
    dict (AdaFocus: ``frames``, the frames run per video; AdaMML: the
    fraction of segments per modality). ``test_evaluator =
    [dict(type='AccMetric'), dict(type='GFLOPsMetric')]`` reports accuracy
    and cost side by side.

    Results (no prefix by default): ``gflops`` (mean GFLOPs per video),
    ``usage/<key>`` (mean of each ``usage`` entry) and, with
    ``per_class=True``, ``usage/<key>/class_<k>`` (the same over the
    videos of ground-truth class k).

    Args:
        per_class (bool): Also report usage per ground-truth class.
            Default: False.
        collect_device (str): Device used to collect results across
            processes. Default: ``'cpu'``.
        prefix (str, optional): Prefix of the result keys. Default: None.
    """

    default_prefix = None

    def __init__(self,
                 per_class: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.per_class = per_class

    def process(self, data_batch, data_samples: Sequence[Dict]) -> None:
        for sample in data_samples:
            if 'gflops' not in sample:
                raise KeyError(
                    'GFLOPsMetric needs predictions with a "gflops" field '
                    '(from the predict of an mmtin adaptive recognizer); got '
                    f'keys {sorted(sample)}')
            result = dict(
                gflops=float(sample['gflops']),
                usage={k: float(v)
                       for k, v in sample.get('usage', {}).items()})
            if self.per_class:
                result['label'] = int(sample['gt_label'].view(-1)[0])
            self.results.append(result)

    def compute_metrics(self, results: List[Dict]) -> Dict[str, float]:
        out = dict(gflops=float(np.mean([r['gflops'] for r in results])))
        keys = sorted(set().union(*(r['usage'] for r in results)))
        for key in keys:
            missing = sum(key not in r['usage'] for r in results)
            if missing:
                raise KeyError(f'GFLOPsMetric: {missing} of {len(results)} '
                               f'samples have no usage "{key}"')
            values = np.array([r['usage'][key] for r in results])
            out[f'usage/{key}'] = float(values.mean())
            if self.per_class:
                labels = np.array([r['label'] for r in results])
                for k in np.unique(labels):
                    out[f'usage/{key}/class_{k}'] = float(
                        values[labels == k].mean())
        return out
