# Copyright (c) OpenMMLab. All rights reserved.
from .metrics import AdaMMLMetric, AdaFocusFLOPsMetric

__all__ = ['AdaMMLMetric', 'AdaFocusFLOPsMetric']
