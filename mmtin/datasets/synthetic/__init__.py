# Copyright (c) OpenMMLab. All rights reserved.
"""Generators of the synthetic datasets that the demo and the evidence use.

One module per dataset, each with a ``generate_*`` function writing real
video files (PyAV) plus MMAction2 annotation lists; ``tools/data/`` scripts
are thin command lines over these.
"""
from .small_object import generate_small_object_dataset

__all__ = ['generate_small_object_dataset']
