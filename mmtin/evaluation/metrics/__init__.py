# Copyright (c) OpenMMLab. All rights reserved.
from .adamml_metric import AdaMMLMetric
from .adafocus_flops_metric import AdaFocusFLOPsMetric

__all__ = ['AdaMMLMetric', 'AdaFocusFLOPsMetric']
