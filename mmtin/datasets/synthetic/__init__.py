# Copyright (c) OpenMMLab. All rights reserved.
"""Generators of the synthetic datasets that the demo and the evidence use.

One module per dataset, each with a ``generate_*`` function writing real
video files (PyAV) plus MMAction2 annotation lists; ``tools/data/`` scripts
are thin command lines over these.

* :mod:`.temporal_order`: the temporal-order demo dataset (a sprite moving
  rightwards vs. the same frames reversed), ``configs/demo/``.
* :mod:`.motion_type`: one object that is static, moves linearly or
  circles (the class), for the CVRL evidence.
"""
from .temporal_order import generate_demo_dataset
from .motion_type import generate_motion_type_dataset
from .moving_object import generate_moving_object_dataset
from .small_object import generate_small_object_dataset
from .vid_objects import generate_vid_objects_dataset

__all__ = [
    'generate_demo_dataset', 'generate_motion_type_dataset',
    'generate_moving_object_dataset',
    'generate_small_object_dataset', 'generate_vid_objects_dataset'
]
