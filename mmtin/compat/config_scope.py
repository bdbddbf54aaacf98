# Copyright (c) OpenMMLab. All rights reserved.
"""The ``mmtin::`` config scope in mmengine 0.10.7.

mmengine resolves ``_base_ = 'PKG::path/to/cfg.py'`` to
``<installed PKG>/.mim/configs/path/to/cfg.py`` (mmtin ships its configs
there, see ``setup.py``), but it

* only knows the scopes listed in ``mmengine.config.utils.MODULE2PACKAGE``
  (``AssertionError: mmengine does not support to load mmtin config``);
* requires a folder in the path (``r'\\w*::\\w*/\\w*'``), so the flat
  ``'mmtin::tin_r50_8x_sthv1.py'`` raises ``ValueError``;
* looks for ``.mim`` next to the distribution's metadata, which for a
  PEP 660 editable install is ``site-packages/mmtin`` (does not exist).

:func:`apply` adds ``MODULE2PACKAGE['mmtin'] = 'mmtin'``, accepts
``'SCOPE::file.py'`` without a folder for every known scope, and makes
``get_installed_path`` fall back to the imported package's folder when the
path it computed does not exist. All three only widen what resolves: paths
that resolved before resolve to the same file.

Config parsing happens before ``custom_imports``: ``mmtin::`` bases work in
any process that imported mmtin first (mmtin's tools, ``mim train mmtin``,
``mim test mmtin``, your own script with ``import mmtin``).
"""
import difflib
import importlib
import importlib.util
import os.path as osp
import re

from _mmtin_startup import lazy_original

SCOPE = 'mmtin'
PACKAGE = 'mmtin'
_FLAT = re.compile(r'^(\w+)::([\w.\-]+\.py)$')

# modules that hold their own reference to the functions patched here
_PATH_CONSUMERS = ('mmengine.utils', 'mmengine.utils.package_utils',
                   'mmengine.config.config')


def _split_flat(cfg_path: str):
    """``'scope::file.py'`` -> ``(package, 'file.py')``; None otherwise."""
    from mmengine.config.utils import MODULE2PACKAGE
    match = _FLAT.match(cfg_path)
    if match is None:
        return None
    scope, name = match.groups()
    if scope not in MODULE2PACKAGE:
        raise AssertionError(
            f'mmengine does not support to load {scope} config: unknown '
            f'scope {scope!r} in {cfg_path!r} (known: '
            f'{sorted(MODULE2PACKAGE)})')
    return MODULE2PACKAGE[scope], name


def _wrap_package_and_cfg_path(original):
    if getattr(original, '_mmtin_wrapped', False):
        return original
    original = lazy_original(original)  # the start-up hook's wrapper

    def _get_package_and_cfg_path(cfg_path: str):
        flat = _split_flat(cfg_path)
        return flat if flat is not None else original(cfg_path)

    _get_package_and_cfg_path._mmtin_wrapped = True
    _get_package_and_cfg_path.__wrapped__ = original
    return _get_package_and_cfg_path


def _module_dir(package: str):
    """Folder of the importable module of ``package`` (or None)."""
    try:
        from mmengine.utils import package2module
        module = package2module(package)
    except Exception:  # not installed under that name: try it as a module
        module = package
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    return osp.dirname(spec.origin)


def _wrap_installed_path(original):
    if getattr(original, '_mmtin_wrapped', False):
        return original

    def get_installed_path(package: str) -> str:
        path = original(package)
        if osp.isdir(path):
            return path
        # PEP 660 editable install: metadata in site-packages, code elsewhere
        return _module_dir(package) or path

    get_installed_path._mmtin_wrapped = True
    get_installed_path.__wrapped__ = original
    return get_installed_path


def _wrap_fromfile(original):
    if getattr(original, '_mmtin_wrapped', False):
        return original
    original = lazy_original(original)

    def fromfile(filename, *args, **kwargs):
        if isinstance(filename, str) and '::' in filename and \
                not osp.exists(filename):
            from mmengine.config import Config
            filename = Config._get_cfg_path(filename, '')[0]
        return original(filename, *args, **kwargs)

    fromfile._mmtin_wrapped = True
    fromfile.__wrapped__ = original
    fromfile.__doc__ = original.__doc__
    return fromfile


def config_path(name: str) -> str:
    """The path of one of mmtin's configs, e.g. ``'tin_r50_8x_sthv1.py'``
    or ``'demo/tin_r18_demo.py'`` (what ``'mmtin::NAME'`` resolves to).

    Args:
        name (str): The config's path under mmtin's ``configs/``.

    Returns:
        str: Its absolute path in the installed package (or checkout).

    Raises:
        FileNotFoundError: naming ``name`` and the closest configs.
    """
    apply()
    from mmengine.config import Config
    if name.startswith(SCOPE + '::'):
        name = name[len(SCOPE) + 2:]
    root = osp.join(
        importlib.import_module('mmengine.config.config').get_installed_path(
            PACKAGE), '.mim', 'configs')
    try:
        path = Config._get_cfg_path(f'{SCOPE}::{name}', '')[0]
    except FileNotFoundError:
        path = osp.join(root, name)
    if not osp.isfile(path):
        known = []
        if osp.isdir(root):
            import glob
            known = [
                osp.relpath(p, root)
                for p in glob.glob(osp.join(root, '**', '*.py'),
                                   recursive=True)
            ]
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.4)
        raise FileNotFoundError(
            f'mmtin has no config {name!r} (looked for {path}); closest: '
            f'{close or "none"}')
    return osp.abspath(path)


def apply() -> bool:
    """Register the ``mmtin::`` scope (idempotent).

    Returns:
        bool: True if something was changed by this call.
    """
    from mmengine.config import config as config_module
    from mmengine.config import utils as config_utils
    changed = config_utils.MODULE2PACKAGE.get(SCOPE) != PACKAGE
    config_utils.MODULE2PACKAGE[SCOPE] = PACKAGE
    for module in (config_utils, config_module):
        original = getattr(module, '_get_package_and_cfg_path', None)
        if original is not None and not getattr(original, '_mmtin_wrapped',
                                                False):
            module._get_package_and_cfg_path = _wrap_package_and_cfg_path(
                original)
            changed = True
    from _mmtin_startup import install
    install()  # `mmtin::` paths in processes that skipped the .pth
    if not getattr(config_module.Config.fromfile, '_mmtin_wrapped', False):
        config_module.Config.fromfile = staticmethod(
            _wrap_fromfile(config_module.Config.fromfile))
        changed = True
    for name in _PATH_CONSUMERS:
        module = importlib.import_module(name)
        original = getattr(module, 'get_installed_path', None)
        if original is not None and not getattr(original, '_mmtin_wrapped',
                                                False):
            module.get_installed_path = _wrap_installed_path(original)
            changed = True
    return changed
