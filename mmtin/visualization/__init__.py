# Copyright (c) OpenMMLab. All rights reserved.
"""Pictures of what mmtin's models do: one function per picture, and
:data:`KINDS` (``tools/visualize.py KIND``)."""
from .adafocus_patches import adafocus_patches
from .adamml_timeline import adamml_timeline
from .lsts_sampling import lsts_sampling
from .tin_offsets import tin_offsets
from .top5_over_time import top5_over_time

KINDS = dict(
    top5=top5_over_time,
    adafocus=adafocus_patches,
    adamml=adamml_timeline,
    lsts=lsts_sampling,
    tin=tin_offsets)

__all__ = [
    'KINDS', 'top5_over_time', 'adafocus_patches', 'adamml_timeline',
    'lsts_sampling', 'tin_offsets'
]
