# Copyright (c) OpenMMLab. All rights reserved.
"""Accuracy, per-modality usage and GFLOPs per video of AdaMML."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric


@METRICS.register_module()
class AdaMMLMetric(BaseMetric):
    """Top-1 accuracy next to the compute that was actually spent.

    Reads ``pred_score``, ``gt_label``, ``modality_usage`` and ``gflops``
    of the samples ``AdaMMLRecognizer.predict`` returns, and the
    ``audio_missing`` meta key (add it to ``PackActionInputs.meta_keys``).
    Reports ``top1``, ``gflops`` (mean per video), ``usage/<m>`` (mean
    fraction of segments using modality m), ``usage/<m>/class_<k>`` (the
    same per ground-truth class) and ``audio_silenced`` (videos whose
    missing audio was filled with silence).

    Args:
        modalities (Sequence[str]): Names of the usage entries, in the
            model's order. Default: ('rgb', 'audio', 'motion').
        collect_device (str): Default: 'cpu'.
        prefix (str, optional): Metric prefix. Default: 'adamml'.
    """

    default_prefix = 'adamml'

    def __init__(self,
                 modalities: Sequence[str] = ('rgb', 'audio', 'motion'),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.modalities = tuple(modalities)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            usage = sample.get('modality_usage')
            if usage is None or len(usage) != len(self.modalities):
                raise ValueError(
                    'AdaMMLMetric: a sample has no modality_usage for '
                    f'modalities={list(self.modalities)}; use it with '
                    'AdaMMLRecognizer and matching modalities')
            self.results.append(
                dict(
                    pred=int(sample['pred_score'].argmax()),
                    label=int(sample['gt_label'].view(-1)[0]),
                    usage=np.asarray(usage.cpu(), np.float64),
                    gflops=float(sample['gflops']),
                    silenced=bool(sample.get('audio_missing', False))))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        preds = np.array([r['pred'] for r in results])
        labels = np.array([r['label'] for r in results])
        usage = np.stack([r['usage'] for r in results])
        out = dict(
            top1=float((preds == labels).mean()),
            gflops=float(np.mean([r['gflops'] for r in results])),
            audio_silenced=float(sum(r['silenced'] for r in results)))
        for i, m in enumerate(self.modalities):
            out[f'usage/{m}'] = float(usage[:, i].mean())
            for k in np.unique(labels):
                out[f'usage/{m}/class_{k}'] = float(
                    usage[labels == k, i].mean())
        return out
