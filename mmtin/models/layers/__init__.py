# Copyright (c) OpenMMLab. All rights reserved.
from .temporal_interlace import (InterlacedConv, OffsetNet, TemporalInterlace,
                                 WeightNet)

__all__ = ['InterlacedConv', 'OffsetNet', 'TemporalInterlace', 'WeightNet']
