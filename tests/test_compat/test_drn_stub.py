# Copyright (c) OpenMMLab. All rights reserved.
"""The PyPI mmaction2 1.2.0 wheel lacks ``localizers/drn``; mmtin fixes
``import mmaction.models`` without hiding that DRN is unavailable."""
import pytest

from mmtin.compat import drn_stub

from ._subproc import run_python

pytestmark = pytest.mark.skipif(
    not drn_stub.drn_files_missing(),
    reason='this mmaction2 install ships the DRN files (not the PyPI wheel)')


@pytest.mark.slow
def test_bug_reproduces_without_mmtin():
    rc, out = run_python("import mmaction.models", startup_hook=False)
    assert rc != 0
    assert "No module named 'mmaction.models.localizers.drn'" in out


@pytest.mark.slow
def test_import_and_register_all_modules_after_mmtin():
    rc, out = run_python('''
        import mmtin
        import mmaction.models
        from mmaction.utils import register_all_modules
        register_all_modules(init_default_scope=True)
        from mmaction.registry import MODELS
        model = MODELS.build(dict(type='Recognizer2D',
            backbone=dict(type='ResNet', depth=18, pretrained=None),
            cls_head=dict(type='TSNHead', num_classes=3, in_channels=512)))
        print('built', type(model).__name__)
    ''')
    assert rc == 0, out
    assert 'built Recognizer2D' in out


@pytest.mark.slow
def test_works_through_custom_imports(tmp_path):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text("custom_imports = dict(imports=['mmtin'], "
                   'allow_failed_imports=False)\n')
    rc, out = run_python(f'''
        from mmengine.config import Config
        Config.fromfile({str(cfg)!r})
        import mmaction.models  # what the Runner's lazy import does
        from mmaction.utils import register_all_modules
        register_all_modules()
        print('ok')
    ''')
    assert rc == 0, out
    assert 'ok' in out


@pytest.mark.slow
def test_building_drn_raises_clear_error():
    rc, out = run_python('''
        import mmtin
        import mmaction.models
        from mmaction.registry import MODELS
        try:
            MODELS.build(dict(type='DRN'))
        except ImportError as e:
            print('ERR', e)
    ''')
    assert rc == 0, out
    assert 'ERR DRN' in out
    assert 'mmaction2 1.2.0 wheel' in out and '2714' in out


def test_finder_serves_only_drn_modules():
    finder = drn_stub.StartupFinder()
    assert finder.find_spec('mmaction.models.localizers.drn') is not None
    assert finder.find_spec('mmaction.models.localizers.drn.drn') is not None
    assert finder.find_spec('mmaction.models.localizers.bmn') is None
    assert finder.find_spec('drn') is None
