# Copyright (c) OpenMMLab. All rights reserved.
from .lsts_align_neck import LSTSAlignNeck
from .tin_shift_neck import TINShiftNeck

__all__ = ['LSTSAlignNeck', 'TINShiftNeck']
