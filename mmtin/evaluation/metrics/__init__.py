# Copyright (c) OpenMMLab. All rights reserved.
from .adafocus_flops_metric import AdaFocusFLOPsMetric

__all__ = ['AdaFocusFLOPsMetric']
