# Copyright (c) OpenMMLab. All rights reserved.
"""mmpretrain 1.2.0 imports torchvision.ops.boxes without requiring
torchvision; mmtin lets its backbones import without hiding torchvision's
absence."""
import pytest

from mmtin.compat import mmpretrain_torchvision

from ._subproc import run_python

pytestmark = pytest.mark.skipif(
    not mmpretrain_torchvision.torchvision_missing(),
    reason='torchvision is installed: mmpretrain imports without the fix')


@pytest.mark.slow
def test_bug_reproduces_without_mmtin():
    rc, out = run_python('import mmpretrain.models')
    assert rc != 0
    assert "No module named 'torchvision'" in out


@pytest.mark.slow
def test_mmpretrain_models_import_after_mmtin():
    rc, out = run_python('''
        import sys
        import mmtin
        import torch
        from mmaction.registry import MODELS
        from mmengine.registry import init_default_scope
        init_default_scope('mmaction')
        model = MODELS.build(dict(type='Recognizer2D',
            backbone=dict(type='mmpretrain.ResNet', depth=18),
            cls_head=dict(type='TSNHead', num_classes=3, in_channels=512)))
        print('built', type(model.backbone).__module__)
        assert not any(m.startswith('torchvision') for m in sys.modules)
        try:
            import torchvision
        except ImportError as e:
            print('torchvision still missing:', e)
        from mmpretrain.models.utils import box_utils
        try:
            box_utils.box_iou(torch.zeros(1, 4), torch.zeros(1, 4))
        except ImportError as e:
            print('box op:', e)
    ''')
    assert rc == 0, out
    assert 'built mmpretrain.models.backbones.resnet' in out
    assert "torchvision still missing: No module named 'torchvision'" in out
    assert 'box op: torchvision.ops.boxes.box_iou was called' in out
