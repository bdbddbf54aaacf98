# Copyright (c) OpenMMLab. All rights reserved.
"""Let mmengine 0.10.7 find installed packages without ``pkg_resources``.

mmengine 0.10.7 imports ``pkg_resources`` in
``mmengine.utils.package_utils.{is_installed,get_installed_path,
package2module}``, which ``Config.fromfile`` calls to resolve
``_base_ = 'mmaction::...'``. setuptools >= 82 removed ``pkg_resources``,
and older ones print a deprecation warning when it is imported. The
:mod:`importlib.metadata` equivalents in :mod:`_mmtin_startup` (same
contract) replace them: at start-up through mmtin's ``.pth`` as soon as
``package_utils`` loads, and here in every mmengine module that already
imported them by name. A process with mmtin never imports
``pkg_resources``.
"""
import importlib

from _mmtin_startup import (PACKAGE_LOOKUPS, get_installed_path, install,
                            is_installed, package2module,
                            patch_package_utils)

__all__ = ['apply', 'get_installed_path', 'is_installed', 'package2module']

# modules that did ``from mmengine.utils import <name>`` at import time
_CONSUMERS = ('mmengine.utils', 'mmengine.utils.package_utils',
              'mmengine.config.config', 'mmengine.hub.hub')


def apply() -> bool:
    """Install the replacements (idempotent).

    Returns:
        bool: True if some function was replaced by this call.
    """
    install()
    changed = False
    for name in _CONSUMERS:
        module = importlib.import_module(name)
        before = {k: getattr(module, k, None) for k in PACKAGE_LOOKUPS}
        patch_package_utils(module)
        changed |= any(
            getattr(module, k, None) is not v for k, v in before.items())
    return changed
