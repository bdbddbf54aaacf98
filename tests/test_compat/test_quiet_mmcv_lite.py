# Copyright (c) OpenMMLab. All rights reserved.
"""``import mmtin`` hides mmcv-lite's ``MultiScaleDeformableAttention``
warning, and only that one, only while mmtin imports."""
import pytest

from ._subproc import run_python

MSDA = 'MultiScaleDeformableAttention'
# emits a warning from inside mmtin's import (when mmtin.version is looked
# up), to prove other warnings raised during the import still show
PROBE_DURING_IMPORT = '''
import sys, warnings
class _Probe:
    def find_spec(self, name, path=None, target=None):
        if name == 'mmtin.version':
            warnings.warn('probe during the import of mmtin', UserWarning)
        return None
sys.meta_path.insert(0, _Probe())
'''


@pytest.mark.slow
def test_mmcv_alone_warns():
    """Control: without mmtin, importing the brick warns (with mmcv-lite;
    a full mmcv has the op and prints nothing, in both tests)."""
    rc, out = run_python('''
import importlib.util
has_ops = importlib.util.find_spec('mmcv._ext') is not None
import mmcv.cnn.bricks.transformer
print('full-mmcv' if has_ops else 'mmcv-lite')
''')
    assert rc == 0, out
    if 'mmcv-lite' in out:
        assert MSDA in out


@pytest.mark.slow
def test_import_mmtin_hides_only_that_warning():
    rc, out = run_python(PROBE_DURING_IMPORT + '''
import mmtin
import mmcv.cnn.bricks.transformer  # already imported: no second warning
warnings.warn('another warning after the import', UserWarning)
warnings.warn('Fail to import ``MultiScaleDeformableAttention`` from '
              '``later``', UserWarning)
print('imported')
''')
    assert rc == 0, out
    assert 'imported' in out
    assert 'probe during the import of mmtin' in out
    assert 'another warning after the import' in out
    # the only MSDA line is the one raised after the import: the filter is
    # gone once mmtin is imported
    assert out.count(MSDA) == 1 and '``later``' in out, out
