# Copyright (c) OpenMMLab. All rights reserved.
"""Make ``import mmaction.models`` work with the PyPI mmaction2 1.2.0 wheel.

That wheel lacks ``mmaction/models/localizers/drn/`` (the folder has no
``__init__.py`` so ``find_packages`` skipped it), and
``mmaction/models/localizers/__init__.py`` does ``from .drn.drn import DRN``.
When the folder is missing on disk, the start-up finder of
:mod:`_mmtin_startup` serves those two module names with a stand-in whose
``DRN`` class is registered under its usual name and raises a clear error
when built. Nothing is served if the files exist.

A wheel install runs that finder at interpreter start-up (through
``mmtin-startup.pth``), so ``register_all_modules()`` works before
``import mmtin``; :func:`apply` installs it in processes that did not (a
checkout, an editable install, ``MMTIN_NO_STARTUP_HOOK=1``).
"""
import sys

from _mmtin_startup import (DRN_MISSING_MSG, StartupFinder, drn_files_missing,
                            install)

__all__ = ['DRN_MISSING_MSG', 'StartupFinder', 'drn_files_missing', 'apply']


def apply() -> bool:
    """Install the start-up finder (idempotent).

    Returns:
        bool: True if the DRN files are missing, so the stand-in is served.
    """
    install()
    assert any(isinstance(f, StartupFinder) for f in sys.meta_path)
    return drn_files_missing()
