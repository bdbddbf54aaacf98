# Copyright (c) OpenMMLab. All rights reserved.
from .adamml_metric import AdaMMLMetric

__all__ = ['AdaMMLMetric']
