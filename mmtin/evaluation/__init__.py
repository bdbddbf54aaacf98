# Copyright (c) OpenMMLab. All rights reserved.
from .metrics import GFLOPsMetric, SilencedAudioMetric, VIDCocoMetric

__all__ = ['GFLOPsMetric', 'SilencedAudioMetric', 'VIDCocoMetric']
