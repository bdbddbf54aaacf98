# Copyright (c) OpenMMLab. All rights reserved.
from .metrics import GFLOPsMetric, SilencedAudioMetric

__all__ = ['GFLOPsMetric', 'SilencedAudioMetric']
