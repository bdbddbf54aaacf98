# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/analysis/model_zoo.py`` on tiny configs (never the R50 ones)."""
import json

import pytest
import torch
from mmengine.registry import init_default_scope
from torch import nn

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from script_loader import load_script

MODEL = """
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNet', depth=18, norm_eval=False,
                  pretrained='torchvision://resnet18'),
    cls_head=dict(type='TSNHead', num_classes=7, in_channels=512),
    data_preprocessor=dict(type='ActionDataPreprocessor', format_shape='NCHW'))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=3,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 40)),
    dict(type='CenterCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
"""
WITH_DICT = MODEL + """
zoo_info = dict(dataset='sthv1', frames=8, published_top1=44.25,
                published_top5=73.94, published_gflops=32.96,
                test_views='8x1x1', source='MMAction2 v0.24.1 model zoo')
"""
WITH_COMMENT = """# zoo:
#   dataset: K400
#   published_top1: 71.86
#   source: https://example.org/zoo
""" + MODEL


def _load_tool(repo_root):
    return load_script('tools/analysis/model_zoo.py')


def _reference(shape):
    """Params and multiply-adds of the tiny TSN-R18 (7 classes), built here
    by hand and counted with hooks: conv/linear MACs, 2 per element for
    affine BN, 1 per input element for adaptive average pooling."""
    init_default_scope('mmaction')
    model = MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(type='ResNet', depth=18, pretrained=None),
            cls_head=dict(type='TSNHead', num_classes=7,
                          in_channels=512))).eval()
    total = []

    def hook(module, args, out):
        x = args[0]
        if isinstance(module, nn.Conv2d):
            total.append(out.numel() * module.in_channels // module.groups *
                         module.kernel_size[0] * module.kernel_size[1])
        elif isinstance(module, nn.Linear):
            total.append(out.numel() * module.in_features)
        elif isinstance(module, nn.BatchNorm2d):
            total.append(x.numel() * 2)
        elif isinstance(module, nn.AdaptiveAvgPool2d):
            total.append(x.numel())

    for m in model.modules():
        m.register_forward_hook(hook)
    with torch.no_grad():
        model(torch.randn(shape), mode='tensor', stage='head')
    return sum(p.numel() for p in model.parameters()), sum(total)


def test_model_zoo_table(repo_root, tmp_path, capsys):
    tool = _load_tool(repo_root)
    paths = []
    for name, text in (('a_dict.py', WITH_DICT), ('b_comment.py',
                                                  WITH_COMMENT),
                       ('c_none.py', MODEL)):
        paths.append(tmp_path / name)
        paths[-1].write_text(text)
    (tmp_path / '_base_').mkdir()  # sub-folders are not listed
    (tmp_path / '_base_' / 'x.py').write_text(MODEL)
    out = tmp_path / 'zoo.json'
    assert tool.main(['--config-dir', str(tmp_path), '--out', str(out)]) == 0
    text = capsys.readouterr().out

    lines = [ln for ln in text.splitlines() if ln.startswith('|')]
    header = [c.strip() for c in lines[0].strip('|').split('|')]
    assert header == list(tool.COLUMNS)
    cells = {
        r[0]: r
        for r in ([c.strip() for c in ln.strip('|').split('|')]
                  for ln in lines[2:])
    }
    assert sorted(cells) == ['a_dict.py', 'b_comment.py', 'c_none.py']
    assert cells['a_dict.py'][1:3] == ['sthv1', '8']
    assert cells['a_dict.py'][5] == '32.96'
    assert cells['a_dict.py'][7:10] == [
        '44.25 / 73.94', '8x1x1', 'MMAction2 v0.24.1 model zoo'
    ]
    assert cells['b_comment.py'][1] == 'K400'
    assert cells['b_comment.py'][2] == '3'  # from the test pipeline
    assert cells['b_comment.py'][7] == '71.86'
    assert cells['b_comment.py'][9] == 'https://example.org/zoo'
    assert cells['c_none.py'][1] == '-' and cells['c_none.py'][7] == '-'
    assert cells['c_none.py'][3] == '3x3x32x32'
    for row in cells.values():
        assert float(row[4]) > 0 and float(row[6]) > 0

    params, macs = _reference((1, 3, 3, 32, 32))
    for row in json.loads(out.read_text()):
        assert row['input_shape'] == [1, 3, 3, 32, 32]
        assert row['params'] == params
        assert row['flops'] == macs


def test_model_zoo_reports_bad_configs(repo_root, tmp_path, capsys):
    tool = _load_tool(repo_root)
    typo = tmp_path / 'typo.py'
    typo.write_text(MODEL + "\nzoo_info = dict(datasett='x')\n")
    assert tool.main([str(typo), '--no-flops']) == 0  # reported, not fatal
    err = capsys.readouterr().err
    assert 'typo.py' in err and 'datasett' in err
    bad = tmp_path / 'bad.py'
    bad.write_text(MODEL + "\nzoo_info = 'sthv1'\n")
    assert tool.main([str(bad), '--no-flops']) == 1
    err = capsys.readouterr().err
    assert 'bad.py' in err and 'zoo_info must be a dict' in err
    with pytest.raises(FileNotFoundError, match='empty_dir'):
        tool.main(['--config-dir', str(tmp_path / 'empty_dir')])
