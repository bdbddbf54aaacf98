# Copyright (c) OpenMMLab. All rights reserved.
"""Self-supervised pre-training algorithms (as mmpretrain's
``models/selfsup``): models with a ``loss`` mode and no classifier."""
from .cvrl import CVRL

__all__ = ['CVRL']
