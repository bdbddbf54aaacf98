# Copyright (c) OpenMMLab. All rights reserved.
from .gflops_metric import GFLOPsMetric
from .silenced_audio_metric import SilencedAudioMetric
from .vid_coco_metric import VIDCocoMetric

__all__ = ['GFLOPsMetric', 'SilencedAudioMetric', 'VIDCocoMetric']
