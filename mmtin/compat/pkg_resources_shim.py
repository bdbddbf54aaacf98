# Copyright (c) OpenMMLab. All rights reserved.
"""Let mmengine 0.10.7 find installed packages without ``pkg_resources``.

setuptools >= 82 removed ``pkg_resources``. mmengine 0.10.7 imports it in
``mmengine.utils.package_utils.{is_installed,get_installed_path,
package2module}``, which ``Config.fromfile`` calls to resolve
``_base_ = 'mmaction::...'``. When (and only when) ``pkg_resources`` cannot be
imported, these three functions are replaced with ``importlib.metadata``
equivalents, in ``mmengine.utils`` and in every mmengine module that imported
them by name.
"""
import importlib
import importlib.metadata as metadata
import importlib.util
import os.path as osp

# modules that did ``from mmengine.utils import <name>`` at import time
_CONSUMERS = ('mmengine.utils', 'mmengine.utils.package_utils',
              'mmengine.config.config', 'mmengine.hub.hub')


def pkg_resources_available() -> bool:
    """Whether ``import pkg_resources`` works in this environment."""
    try:
        importlib.import_module('pkg_resources')
    except ImportError:
        return False
    return True


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
        if len(parts) > 1 and parts[-1] == '__init__.py' and len(parts) == 2:
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


def apply() -> bool:
    """Install the replacements if ``pkg_resources`` is missing.

    Returns:
        bool: True if the functions were replaced.
    """
    if pkg_resources_available():
        return False
    replacements = dict(
        is_installed=is_installed,
        get_installed_path=get_installed_path,
        package2module=package2module)
    for name in _CONSUMERS:
        module = importlib.import_module(name)
        for attr, func in replacements.items():
            if hasattr(module, attr):
                setattr(module, attr, func)
    return True
