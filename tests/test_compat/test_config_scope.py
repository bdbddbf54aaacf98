# Copyright (c) OpenMMLab. All rights reserved.
"""The ``mmtin::`` config scope: flat names and folders resolve to the
shipped configs (``mmtin/.mim/configs``), other scopes are unchanged, and a
PEP 660 editable install (metadata in site-packages, code elsewhere) still
finds ``.mim``."""
import os.path as osp

import pytest
from mmengine.config import Config

import mmtin
from mmtin.compat import config_scope
from ._subproc import REPO_ROOT, run_python


def _unscoped(obj):
    """``obj`` without the ``_scope_`` keys mmengine adds to the dicts of a
    base read through a package scope."""
    if isinstance(obj, dict):
        return {k: _unscoped(v) for k, v in obj.items() if k != '_scope_'}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_unscoped(v) for v in obj)
    return obj


def _resolve(tmp_path, base):
    cfg = tmp_path / 'user.py'
    cfg.write_text(f'_base_ = {base!r}\nuser_key = 1\n')
    return Config.fromfile(str(cfg))


@pytest.mark.parametrize('base,local', [
    ('mmtin::tin_r50_8x_sthv1.py', 'configs/tin_r50_8x_sthv1.py'),
    ('mmtin::demo/tin_r18_demo.py', 'configs/demo/tin_r18_demo.py'),
    ('mmtin::_base_/models/tdn_r50.py', 'configs/_base_/models/tdn_r50.py'),
])
@pytest.mark.slow
def test_mmtin_scope_resolves(tmp_path, base, local):
    cfg = _resolve(tmp_path, base)
    expected = Config.fromfile(str(REPO_ROOT / local))
    assert cfg.user_key == 1
    assert cfg.model._scope_ == 'mmtin'
    assert _unscoped(cfg.model.to_dict()) == expected.model.to_dict()


def test_mmtin_scope_builds_without_fallback(tmp_path, capfd):
    """Dicts from an ``mmtin::`` base carry ``_scope_='mmtin'``: the
    ``mmtin.registry`` children of MMAction2's registries build them (no
    "Failed to search registry with scope" fallback)."""
    from mmengine.registry import init_default_scope

    from mmaction.registry import DATASETS, MODELS, VISUALIZERS
    cfg = _resolve(tmp_path, 'mmtin::demo/tin_r18_demo.py')
    init_default_scope('mmaction')
    capfd.readouterr()
    model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'TINResNet'
    visualizer = VISUALIZERS.build(dict(cfg.visualizer, name='scope_test'))
    assert type(visualizer).__name__ == 'ActionVisualizer'
    dataset_cfg = cfg.train_dataloader.dataset
    assert dataset_cfg._scope_ == 'mmtin'
    assert DATASETS.get(dataset_cfg.type).__name__ == 'CheckedVideoDataset'
    out = capfd.readouterr()
    assert 'Failed to search registry' not in out.out + out.err


@pytest.mark.slow
def test_mim_folder_is_the_checkout(tmp_path):
    mim = osp.join(osp.dirname(mmtin.__file__), '.mim')
    for name in ('configs', 'tools', 'model-index.yml'):
        assert osp.realpath(osp.join(mim, name)) == \
            osp.realpath(REPO_ROOT / name), name


def test_other_scopes_unchanged(tmp_path):
    cfg = _resolve(tmp_path, 'mmaction::_base_/default_runtime.py')
    assert cfg.default_scope == 'mmaction'
    with pytest.raises(AssertionError, match="unknown scope 'nope'"):
        _resolve(tmp_path, 'nope::x.py')
    with pytest.raises(FileNotFoundError):
        _resolve(tmp_path, 'mmtin::no_such_config.py')


def test_editable_install_path_fallback(tmp_path):
    missing = str(tmp_path / 'site-packages' / 'mmtin')
    wrapped = config_scope._wrap_installed_path(lambda package: missing)
    assert wrapped('mmtin') == osp.dirname(mmtin.__file__)
    present = str(tmp_path)
    wrapped = config_scope._wrap_installed_path(lambda package: present)
    assert wrapped('mmtin') == present  # an existing path is kept


@pytest.mark.slow
def test_scope_needs_mmtin_imported_first(tmp_path):
    """Documented limit: config parsing precedes ``custom_imports``, so a
    process that never imported mmtin cannot read ``mmtin::`` bases."""
    (tmp_path / 'user.py').write_text("_base_ = 'mmtin::tin_r50_8x_sthv1.py'")
    code = f'''
from mmengine.config import Config
try:
    Config.fromfile({str(tmp_path / 'user.py')!r})
except (AssertionError, ValueError) as err:
    print('refused', type(err).__name__)
import mmtin
print('after import', Config.fromfile(
    {str(tmp_path / 'user.py')!r}).model.backbone.type)
'''
    rc, out = run_python(code, cwd=tmp_path)
    assert rc == 0, out
    assert 'refused' in out and 'after import TINResNet' in out
