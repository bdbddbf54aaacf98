# Copyright (c) OpenMMLab. All rights reserved.
from .adamml_metric import AdaMMLMetric
from .adafocus_flops_metric import AdaFocusFLOPsMetric
from .vid_coco_metric import VIDCocoMetric

__all__ = ['AdaMMLMetric', 'AdaFocusFLOPsMetric', 'VIDCocoMetric']
