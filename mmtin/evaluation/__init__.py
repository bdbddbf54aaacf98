# Copyright (c) OpenMMLab. All rights reserved.
from .metrics import AdaFocusFLOPsMetric

__all__ = ['AdaFocusFLOPsMetric']
