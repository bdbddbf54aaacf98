# Copyright (c) OpenMMLab. All rights reserved.
"""mmtin: TIN, TDN and related efficient temporal models for MMAction2.

Importing this package (directly, or through
``custom_imports = dict(imports=['mmtin'])``) first applies the narrow
compatibility fixes in :mod:`mmtin.compat`, then registers mmtin's types in
MMAction2's registries.
"""
from .compat.quiet_mmcv_lite import quiet_mmcv_lite as _quiet_mmcv_lite

with _quiet_mmcv_lite():  # mmcv-lite's MultiScaleDeformableAttention warning
    from .compat import apply_all as _apply_compat
    _apply_compat()
    from .version import __version__  # noqa: E402
    from .compat.config_scope import config_path  # noqa: E402
    from . import datasets, engine, evaluation, models, ops  # noqa: E402,F401

__all__ = ['__version__', 'config_path']
