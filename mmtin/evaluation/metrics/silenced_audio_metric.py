# Copyright (c) OpenMMLab. All rights reserved.
"""How many test videos had their missing audio filled with silence."""
from typing import Dict, List, Optional, Sequence

from mmengine.evaluator import BaseMetric

from mmaction.registry import METRICS


@METRICS.register_module()
class SilencedAudioMetric(BaseMetric):
    """Count of videos whose missing audio track was filled with silence.

    Reads the ``audio_missing`` meta key that ``DecodeAudioVisual(
    missing_audio='silence')`` sets (add it to ``PackActionInputs.
    meta_keys``); a sample without it counts as not silenced. Result:
    ``audio_silenced`` (no prefix by default).

    Args:
        collect_device (str): Default: 'cpu'.
        prefix (str, optional): Prefix of the result key. Default: None.
    """

    default_prefix = None

    def __init__(self,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[Dict]) -> None:
        for sample in data_samples:
            self.results.append(bool(sample.get('audio_missing', False)))

    def compute_metrics(self, results: List[bool]) -> Dict[str, float]:
        return dict(audio_silenced=float(sum(results)))
