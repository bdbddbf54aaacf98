# Copyright (c) OpenMMLab. All rights reserved.
"""``_base_ = 'mmaction::...'`` with mmengine 0.10.7 when ``pkg_resources``
is gone (setuptools >= 82). The subprocess blocks ``pkg_resources`` so the
test means the same thing whatever setuptools CI has."""
import importlib.metadata as metadata
import os.path as osp

import pytest

from mmtin.compat import pkg_resources_shim as shim

from ._subproc import BLOCK_PKG_RESOURCES, run_python

CFG = "_base_ = 'mmaction::_base_/default_runtime.py'\nx = 1\n"


@pytest.mark.slow
def test_bug_reproduces_without_mmtin(tmp_path):
    (tmp_path / 'cfg.py').write_text(CFG)
    rc, out = run_python(BLOCK_PKG_RESOURCES + f'''
from mmengine.config import Config
Config.fromfile({str(tmp_path / 'cfg.py')!r})
''')
    assert rc != 0
    assert "No module named 'pkg_resources'" in out


@pytest.mark.slow
def test_mmaction_scope_resolves_after_mmtin(tmp_path):
    (tmp_path / 'cfg.py').write_text(CFG)
    rc, out = run_python(BLOCK_PKG_RESOURCES + f'''
import mmtin
from mmengine.config import Config
cfg = Config.fromfile({str(tmp_path / 'cfg.py')!r})
print('scope', cfg.default_scope, cfg.x)
''')
    assert rc == 0, out
    assert 'scope mmaction 1' in out


def test_shim_functions_match_metadata():
    assert shim.is_installed('mmengine')
    assert shim.is_installed('mmaction2')
    assert not shim.is_installed('surely-not-an-installed-package-xyz')
    assert shim.package2module('mmaction2') == 'mmaction'
    path = shim.get_installed_path('mmaction2')
    assert osp.basename(path) == 'mmaction'
    assert osp.isdir(osp.join(path, '.mim', 'configs'))
    assert shim.get_installed_path('mmengine').endswith('mmengine')
    with pytest.raises(metadata.PackageNotFoundError):
        shim.get_installed_path('surely-not-an-installed-package-xyz')


def test_mmengine_lookups_are_replaced_even_with_pkg_resources():
    # setuptools < 82 still has pkg_resources, and warns when it is
    # imported: mmtin's processes use the importlib.metadata look-ups anyway
    import mmengine.config.config as config_module
    import mmengine.utils as utils
    import mmengine.utils.package_utils as package_utils
    assert shim.apply() is False  # already applied by `import mmtin`
    for module in (utils, package_utils, config_module):
        assert module.is_installed is shim.is_installed
    assert package_utils.package2module is shim.package2module
    # config_scope wraps the installed-path look-up around the shim's
    for module in (package_utils, config_module):
        assert module.get_installed_path.__wrapped__ is \
            shim.get_installed_path
