# Copyright (c) OpenMMLab. All rights reserved.
"""What makes mmtin reachable before ``import mmtin``.

A wheel install of mmtin puts ``mmtin-startup.pth`` next to the package;
Python runs its one line, ``import _mmtin_startup``, at start-up. This
module imports only the standard library and appends one finder to
``sys.meta_path`` that acts on four module names and nothing else:

* ``mmaction.models.localizers.drn`` and ``...drn.drn``: the PyPI
  mmaction2 1.2.0 wheel lacks these files, so ``import mmaction.models``
  (and MMAction2's ``register_all_modules()``) dies. When the files are
  missing, the finder serves a stand-in whose ``DRN`` raises a clear error
  when built (see :data:`DRN_MISSING_MSG`).
* ``mmengine.utils.package_utils``: once it is loaded, its
  ``is_installed``, ``get_installed_path`` and ``package2module`` are
  replaced by :mod:`importlib.metadata` equivalents with the same contract
  (mmengine 0.10.7's use ``pkg_resources``, which setuptools >= 82 removed
  and older ones deprecate with a warning at every import).
* ``mmengine.config.config``: once it is loaded, a config path that starts
  with ``mmtin::`` (``Config.fromfile('mmtin::...')`` or
  ``_base_ = 'mmtin::...'``) imports mmtin first, which registers the scope
  (:mod:`mmtin.compat.config_scope`).

``import mmtin`` installs the same finder, so a checkout or an editable
install (which has no ``.pth``) works once mmtin is imported. Set
``MMTIN_NO_STARTUP_HOOK=1`` to keep the ``.pth`` from installing it.
"""
import importlib.abc
import importlib.machinery
import importlib.metadata as metadata
import importlib.util
import os
import os.path as osp
import sys

SCOPE_PREFIX = 'mmtin::'
DRN_PACKAGE = 'mmaction.models.localizers.drn'
DRN_MODULE = DRN_PACKAGE + '.drn'
MMENGINE_CONFIG = 'mmengine.config.config'
MMENGINE_PACKAGE_UTILS = 'mmengine.utils.package_utils'

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
    return not osp.exists(
        osp.join(root, 'models', 'localizers', 'drn', 'drn.py'))


class _DRNStubLoader(importlib.abc.Loader):

    def create_module(self, spec):
        return None  # default module creation

    def exec_module(self, module):
        if module.__name__ == DRN_PACKAGE:
            module.__path__ = []  # a package, so `.drn` can be imported
            return
        from mmaction.registry import MODELS

        class DRN:
            """Stand-in for the DRN localizer missing from the wheel."""

            def __init__(self, *args, **kwargs):
                raise ImportError(DRN_MISSING_MSG)

        DRN.__module__ = DRN_MODULE
        module.DRN = DRN
        module.__all__ = ['DRN']
        if 'DRN' not in MODELS.module_dict:
            MODELS.register_module(name='DRN', module=DRN)


def _distribution(package: str):
    try:
        return metadata.distribution(package)
    except metadata.PackageNotFoundError:
        return None


def is_installed(package: str) -> bool:
    """Same contract as ``mmengine.utils.is_installed``."""
    if _distribution(package) is not None:
        return True
    spec = importlib.util.find_spec(package)
    return spec is not None and spec.origin is not None


def package2module(package: str) -> str:
    """Same contract as ``mmengine.utils.package2module``."""
    dist = _distribution(package)
    if dist is None:
        raise ValueError(f'can not infer the module name of {package}: '
                         'it is not installed')
    top_level = dist.read_text('top_level.txt')
    if top_level:
        return top_level.split('\n')[0].strip()
    # wheels built without top_level.txt: use the first top-level package
    for f in dist.files or []:
        parts = f.parts
        if len(parts) == 2 and parts[-1] == '__init__.py':
            return parts[0]
    raise ValueError(f'can not infer the module name of {package}')


def get_installed_path(package: str) -> str:
    """Same contract as ``mmengine.utils.get_installed_path``."""
    dist = _distribution(package)
    if dist is None:
        spec = importlib.util.find_spec(package)
        if spec is None:
            raise metadata.PackageNotFoundError(package)
        if spec.origin is None:
            raise RuntimeError(f'{package} is a namespace package, which is '
                               'invalid for `get_install_path`')
        return osp.dirname(spec.origin)
    location = str(dist.locate_file(''))
    possible_path = osp.join(location, package)
    if osp.exists(possible_path):
        return possible_path
    return osp.join(location, package2module(package))


PACKAGE_LOOKUPS = dict(
    is_installed=is_installed,
    get_installed_path=get_installed_path,
    package2module=package2module)


def patch_package_utils(module) -> None:
    """Replace ``module``'s package look-ups that use ``pkg_resources``
    (already wrapped ones, e.g. by :mod:`mmtin.compat.config_scope`, are
    kept)."""
    for name, func in PACKAGE_LOOKUPS.items():
        current = getattr(module, name, None)
        if current is not None and not getattr(current, '_mmtin_wrapped',
                                               False):
            setattr(module, name, func)


def _needs_mmtin(path) -> bool:
    return isinstance(path, str) and path.startswith(SCOPE_PREFIX)


def lazy_original(func):
    """The function a start-up wrapper of this module wraps (else
    ``func``): :mod:`mmtin.compat.config_scope` wraps that one instead."""
    return getattr(func, '_mmtin_lazy_original', func)


def patch_mmengine_config(module) -> None:
    """Make ``mmtin::`` paths in ``module`` (``mmengine.config.config``)
    import mmtin before they are resolved."""

    def resolve_with_mmtin(name, wrapper, original, path, args, kwargs):
        if _needs_mmtin(path):
            import mmtin  # noqa: F401  (registers the scope)
            current = lazy_current(name)
            if current is not wrapper:
                return current(path, *args, **kwargs)
        return original(path, *args, **kwargs)

    def lazy_current(name):
        if name == 'fromfile':
            return module.Config.fromfile
        return getattr(module, name)

    original_path = module._get_package_and_cfg_path
    if getattr(original_path, '_mmtin_lazy_original', None) is None:

        def _get_package_and_cfg_path(cfg_path, *args, **kwargs):
            return resolve_with_mmtin('_get_package_and_cfg_path',
                                      _get_package_and_cfg_path,
                                      original_path, cfg_path, args, kwargs)

        _get_package_and_cfg_path._mmtin_lazy_original = original_path
        module._get_package_and_cfg_path = _get_package_and_cfg_path

    original_fromfile = module.Config.fromfile
    if getattr(original_fromfile, '_mmtin_lazy_original', None) is None:

        def fromfile(filename, *args, **kwargs):
            return resolve_with_mmtin('fromfile', fromfile,
                                      original_fromfile, filename, args,
                                      kwargs)

        fromfile._mmtin_lazy_original = original_fromfile
        fromfile.__doc__ = original_fromfile.__doc__
        module.Config.fromfile = staticmethod(fromfile)


class _PostImportLoader(importlib.abc.Loader):
    """Runs ``hook(module)`` after the real loader executed the module."""

    def __init__(self, loader, hook):
        self.loader, self.hook = loader, hook

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        self.hook(module)


class StartupFinder(importlib.abc.MetaPathFinder):
    """Serves the DRN stand-in (when the files are missing) and hooks the
    loading of ``mmengine.config.config``; finds nothing else."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in (DRN_PACKAGE, DRN_MODULE):
            if not drn_files_missing():
                return None
            return importlib.machinery.ModuleSpec(
                fullname, _DRNStubLoader(), is_package=fullname == DRN_PACKAGE)
        hooks = {
            MMENGINE_CONFIG: patch_mmengine_config,
            MMENGINE_PACKAGE_UTILS: patch_package_utils
        }
        if fullname not in hooks:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _PostImportLoader(spec.loader, hooks[fullname])
                return spec
        return None


def install() -> StartupFinder:
    """Put the finder first in ``sys.meta_path`` (once), and patch the
    mmengine modules it hooks if they are already loaded.

    Returns:
        StartupFinder: The installed finder.
    """
    for finder in sys.meta_path:
        if isinstance(finder, StartupFinder):
            return finder
    finder = StartupFinder()
    sys.meta_path.insert(0, finder)
    if MMENGINE_PACKAGE_UTILS in sys.modules:
        patch_package_utils(sys.modules[MMENGINE_PACKAGE_UTILS])
    if MMENGINE_CONFIG in sys.modules:
        patch_mmengine_config(sys.modules[MMENGINE_CONFIG])
    return finder


if os.environ.get('MMTIN_NO_STARTUP_HOOK', '') in ('', '0'):
    install()
