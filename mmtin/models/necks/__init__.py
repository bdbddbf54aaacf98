# Copyright (c) OpenMMLab. All rights reserved.
from .tin_shift_neck import TINShiftNeck

__all__ = ['TINShiftNeck']
