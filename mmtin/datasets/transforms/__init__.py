# Copyright (c) OpenMMLab. All rights reserved.
from .tdn_sample_frames import TDNSampleFrames

__all__ = ['TDNSampleFrames']
