# Copyright (c) OpenMMLab. All rights reserved.
from .metrics import AdaFocusFLOPsMetric, AdaMMLMetric, VIDCocoMetric

__all__ = ['AdaMMLMetric', 'AdaFocusFLOPsMetric', 'VIDCocoMetric']
