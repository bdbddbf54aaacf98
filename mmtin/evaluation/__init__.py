# Copyright (c) OpenMMLab. All rights reserved.
from .metrics import AdaMMLMetric

__all__ = ['AdaMMLMetric']
