# Copyright (c) OpenMMLab. All rights reserved.
"""Narrow fixes that make today's OpenMMLab stack work; see each module."""
from . import (checkpoint_errors, checkpoint_globals, config_scope, drn_stub,
               mmpretrain_torchvision, pkg_resources_shim)

_APPLIED = {}


def apply_all() -> dict:
    """Apply every fix once; returns which ones changed something."""
    if not _APPLIED:
        _APPLIED['pkg_resources'] = pkg_resources_shim.apply()
        _APPLIED['config_scope'] = config_scope.apply()
        _APPLIED['drn_stub'] = drn_stub.apply()
        _APPLIED['checkpoint_globals'] = checkpoint_globals.apply()
        _APPLIED['checkpoint_errors'] = checkpoint_errors.apply()
        _APPLIED['mmpretrain_torchvision'] = mmpretrain_torchvision.apply()
    return dict(_APPLIED)


__all__ = [
    'apply_all', 'checkpoint_errors', 'checkpoint_globals', 'config_scope',
    'drn_stub', 'mmpretrain_torchvision', 'pkg_resources_shim'
]
