# Copyright (c) OpenMMLab. All rights reserved.
"""mmtin reached before ``import mmtin``: a wheel's ``mmtin-startup.pth``
imports :mod:`_mmtin_startup` at interpreter start-up (simulated here by
``run_python(..., startup_hook=True)``, which starts the snippet with the
``.pth``'s line)."""
import os.path as osp
import subprocess
import sys

import pytest

import _mmtin_startup
from mmtin.compat import drn_stub

from ._subproc import REPO_ROOT, run_python

USER_CFG = "_base_ = 'mmtin::tin_r50_8x_sthv1.py'\n"


@pytest.mark.skipif(
    not drn_stub.drn_files_missing(),
    reason='this mmaction2 install ships the DRN files (not the PyPI wheel)')
def test_register_all_modules_before_import_mmtin():
    code = '''
        from mmaction.utils import register_all_modules
        register_all_modules()
        import sys
        print('mmtin imported:', 'mmtin' in sys.modules)
    '''
    rc, out = run_python(code, startup_hook=False)
    assert rc != 0 and 'localizers.drn' in out  # the wheel's bug
    rc, out = run_python(code, startup_hook=True)
    assert rc == 0, out
    assert 'mmtin imported: False' in out  # the stand-in needs no mmtin


def test_mmtin_base_and_fromfile_before_import_mmtin(tmp_path):
    (tmp_path / 'user.py').write_text(USER_CFG)
    code = f'''
        import sys
        from mmengine.config import Config
        print('mmtin imported:', 'mmtin' in sys.modules)
        cfg = Config.fromfile({str(tmp_path / 'user.py')!r})
        print('base', cfg.model.backbone.type)
        cfg = Config.fromfile('mmtin::demo/tin_r18_demo.py')
        print('direct', cfg.model.backbone.type, cfg.model.backbone.depth)
    '''
    rc, out = run_python(code, cwd=tmp_path, startup_hook=True)
    assert rc == 0, out
    assert 'mmtin imported: False' in out  # imported on the first mmtin::
    assert 'base TINResNet' in out and 'direct TINResNet 18' in out


def test_fromfile_with_scope_after_import_mmtin(tmp_path):
    rc, out = run_python(
        '''
        import mmtin
        from mmengine.config import Config
        cfg = Config.fromfile('mmtin::tin_r50_8x_sthv1.py')
        print('direct', cfg.model.backbone.type)
        print('path', mmtin.config_path('tin_r50_8x_sthv1.py'))
        try:
            mmtin.config_path('tin_r50_8x_sthv.py')
        except FileNotFoundError as err:
            print('ERR', err)
        ''',
        cwd=tmp_path)
    assert rc == 0, out
    assert 'direct TINResNet' in out
    path = out.split('path ', 1)[1].split('\n')[0]
    assert osp.isfile(path) and path.endswith('tin_r50_8x_sthv1.py')
    assert "ERR mmtin has no config 'tin_r50_8x_sthv.py'" in out
    assert 'tin_r50_8x_sthv1.py' in out.split('ERR', 1)[1]  # a close match


def test_no_pkg_resources_and_no_warning_with_mmtin(tmp_path):
    (tmp_path / 'cfg.py').write_text(
        "_base_ = 'mmaction::_base_/default_runtime.py'\n")
    code = f'''
        import sys
        import mmtin
        from mmengine.config import Config
        cfg = Config.fromfile({str(tmp_path / 'cfg.py')!r})
        print('scope', cfg.default_scope)
        print('pkg_resources imported:', 'pkg_resources' in sys.modules)
    '''
    rc, out = run_python(code, cwd=tmp_path)
    assert rc == 0, out
    assert 'scope mmaction' in out
    assert 'pkg_resources imported: False' in out
    assert 'pkg_resources is deprecated' not in out


def test_finder_acts_on_its_module_names_only():
    finder = _mmtin_startup.StartupFinder()
    for name in ('os', 'mmengine', 'mmengine.config',
                 'mmaction.models.localizers.bmn', 'drn'):
        assert finder.find_spec(name) is None, name
    import mmengine.config
    spec = finder.find_spec('mmengine.config.config',
                            mmengine.config.__path__)
    assert isinstance(spec.loader, _mmtin_startup._PostImportLoader)
    assert spec.origin.endswith(osp.join('mmengine', 'config', 'config.py'))


def test_env_var_turns_the_hook_off():
    rc, out = run_python(
        '''
        import sys
        import _mmtin_startup
        print(any(isinstance(f, _mmtin_startup.StartupFinder)
                  for f in sys.meta_path))
        ''', startup_hook=False)
    assert rc == 0, out
    assert out.strip().endswith('False')


def test_build_writes_the_pth_next_to_the_package(tmp_path):
    """What a wheel ships: ``setup.py``'s ``build_py`` output."""
    subprocess.run(
        [sys.executable, 'setup.py', '-q', 'build_py', '--build-lib',
         str(tmp_path)],
        cwd=REPO_ROOT, check=True, capture_output=True)
    pth = (tmp_path / 'mmtin-startup.pth').read_text()
    assert pth.strip() == 'import _mmtin_startup'
    assert (tmp_path / '_mmtin_startup.py').is_file()
    assert (tmp_path / 'mmtin' / '.mim' / 'configs' /
            'tin_r50_8x_sthv1.py').is_file()
