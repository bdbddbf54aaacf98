# Copyright (c) OpenMMLab. All rights reserved.
"""Make ``import mmaction.models`` work with the PyPI mmaction2 1.2.0 wheel.

That wheel lacks ``mmaction/models/localizers/drn/`` (the folder has no
``__init__.py`` so ``find_packages`` skipped it), and
``mmaction/models/localizers/__init__.py`` does ``from .drn.drn import DRN``.
When the folder is missing on disk, a meta-path finder serves those two module
names with a stand-in whose ``DRN`` class is registered under its usual name
and raises a clear error when built. Nothing is done if the files exist.
"""
import importlib.abc
import importlib.machinery
import importlib.util
import os.path as osp
import sys

_PKG = 'mmaction.models.localizers.drn'
_MOD = _PKG + '.drn'

DRN_MISSING_MSG = (
    'DRN (mmaction.models.localizers.drn) is not available: the PyPI '
    'mmaction2 1.2.0 wheel does not ship the files of '
    'mmaction/models/localizers/drn/ (the folder has no __init__.py, so it '
    'was left out of the wheel; open-mmlab/mmaction2#2714). mmtin put a '
    'stand-in there so that `import mmaction.models` works. To use DRN, '
    'install mmaction2 from source: pip install '
    '"git+https://github.com/open-mmlab/mmaction2.git@v1.2.0".')


def drn_files_missing() -> bool:
    """Whether the installed mmaction lacks the DRN localizer files.

    Checked by file path: ``importlib.util.find_spec`` on the submodule would
    import ``mmaction.models`` and raise.
    """
    spec = importlib.util.find_spec('mmaction')
    if spec is None or spec.origin is None:
        return False
    root = osp.dirname(spec.origin)
    return not osp.exists(osp.join(root, 'models', 'localizers', 'drn',
                                   'drn.py'))


class _DRNStubLoader(importlib.abc.Loader):

    def create_module(self, spec):
        return None  # default module creation

    def exec_module(self, module):
        if module.__name__ == _PKG:
            module.__path__ = []  # a package, so `.drn` can be imported
            return
        from mmaction.registry import MODELS

        class DRN:
            """Stand-in for the DRN localizer missing from the wheel."""

            def __init__(self, *args, **kwargs):
                raise ImportError(DRN_MISSING_MSG)

        DRN.__module__ = _MOD
        module.DRN = DRN
        module.__all__ = ['DRN']
        if 'DRN' not in MODELS.module_dict:
            MODELS.register_module(name='DRN', module=DRN)


class DRNStubFinder(importlib.abc.MetaPathFinder):
    """Serves the two DRN module names, and nothing else."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in (_PKG, _MOD):
            return None
        return importlib.machinery.ModuleSpec(
            fullname, _DRNStubLoader(), is_package=fullname == _PKG)


def apply() -> bool:
    """Install the finder if the DRN files are missing.

    Returns:
        bool: True if the finder is (now) installed.
    """
    if any(isinstance(f, DRNStubFinder) for f in sys.meta_path):
        return True
    if not drn_files_missing():
        return False
    sys.meta_path.append(DRNStubFinder())
    return True
