# Copyright (c) OpenMMLab. All rights reserved.
from .gflops_metric import GFLOPsMetric
from .silenced_audio_metric import SilencedAudioMetric

__all__ = ['GFLOPsMetric', 'SilencedAudioMetric']
