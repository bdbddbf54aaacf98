# Copyright (c) OpenMMLab. All rights reserved.
"""``mmtin.utils.model_analysis``: config rewriting and input shapes."""
import pytest
import torch
from mmengine.config import Config
from torch import nn

import mmtin  # noqa: F401
from mmtin.models.utils.flops import count_flops, count_params
from mmtin.utils.model_analysis import (disable_pretrained, prepare_model_cfg,
                                        set_num_segments, view_input_shape,
                                        view_spec)


def test_disable_pretrained_everywhere():
    cfg = dict(
        type='Recognizer2D',
        backbone=dict(type='ResNetTSM', depth=50, pretrained='torchvision://'
                      'resnet50'),  # class default: pretrained2d=True
        neck=dict(type='X', init_cfg=[
            dict(type='Pretrained', checkpoint='a.pth'),
            dict(type='Constant', val=0)
        ]),
        cls_head=dict(
            type='TSMHead',
            init_cfg=dict(type='Pretrained', checkpoint='http://x/y.pth')),
        extra=[dict(pretrained='b.pth', pretrained2d=True)],
        timm=dict(type='timm.resnet18', pretrained=True))
    changed = disable_pretrained(cfg)
    assert cfg['backbone']['pretrained'] is None
    assert cfg['backbone']['pretrained2d'] is False
    assert cfg['neck']['init_cfg'] == [dict(type='Constant', val=0)]
    assert cfg['cls_head']['init_cfg'] is None
    assert cfg['extra'][0] == dict(pretrained=None, pretrained2d=False)
    assert cfg['timm']['pretrained'] is False
    assert sorted(changed) == sorted([
        'backbone.pretrained', 'backbone.pretrained2d', 'neck.init_cfg',
        'cls_head.init_cfg', 'extra[0].pretrained', 'extra[0].pretrained2d',
        'timm.pretrained'
    ])
    assert disable_pretrained(cfg) == []  # idempotent


def test_set_num_segments_sets_defaults_too():
    cfg = dict(
        type='Recognizer2D',
        backbone=dict(type='ResNetTSM', depth=18),  # default num_segments=8
        cls_head=dict(type='TSNHead', num_classes=2, in_channels=512),
        other=dict(num_segments=16))
    changed = set_num_segments(cfg, 3)
    assert cfg['backbone']['num_segments'] == 3
    assert cfg['other']['num_segments'] == 3
    assert 'num_segments' not in cfg['cls_head']  # TSNHead has none
    assert sorted(changed) == ['backbone.num_segments', 'other.num_segments']


def _cfg(**kwargs):
    return Config(dict(model=dict(type='Recognizer2D'), **kwargs))


def test_view_spec_2d_3d_and_defaults():
    two_d = _cfg(test_pipeline=[
        dict(type='SampleFrames', clip_len=5, num_clips=8, test_mode=True),
        dict(type='Resize', scale=(-1, 256)),
        dict(type='ThreeCrop', crop_size=256),
        dict(type='FormatShape', input_format='NCHW')
    ])
    spec = view_spec(two_d)
    assert (spec['format'], spec['num_clips'], spec['clip_len'],
            spec['crop_size']) == ('NCHW', 8, 5, (256, 256))
    assert view_input_shape(spec) == (1, 40, 3, 256, 256)
    assert view_input_shape(spec, 2, 4, 32) == (2, 20, 3, 32, 32)

    three_d = Config(
        dict(
            model=dict(type='Recognizer3D'),
            test_dataloader=dict(
                dataset=dict(
                    type='RepeatDataset',
                    dataset=dict(pipeline=[
                        dict(type='SampleFrames', clip_len=16, num_clips=10),
                        dict(type='Resize', scale=(160, 128),
                             keep_ratio=False)
                    ])))))
    spec = view_spec(three_d)
    assert spec['format'] == 'NCTHW'  # from the recognizer type
    assert spec['crop_size'] == (128, 160)  # (w, h) scale -> (h, w)
    assert view_input_shape(spec) == (1, 1, 3, 16, 128, 160)
    assert view_input_shape(spec, num_segments=4) == (1, 1, 3, 4, 128, 160)

    spec = view_spec(_cfg())
    assert (spec['num_clips'], spec['clip_len'], spec['crop_size'],
            spec['found']) == (1, 1, (224, 224), [])


def test_prepare_model_cfg_copies_and_errors():
    cfg = Config(
        dict(model=dict(type='Recognizer2D', backbone=dict(
            type='ResNet', depth=18, pretrained='x.pth'))))
    model_cfg, changed = prepare_model_cfg(cfg, num_segments=2)
    assert model_cfg['backbone']['pretrained'] is None
    assert cfg.model.backbone.pretrained == 'x.pth'  # original untouched
    assert changed == ['backbone.pretrained']
    with pytest.raises(KeyError, match='no `model`'):
        prepare_model_cfg(Config(dict(x=1)))


def test_count_params_and_flops_plain_module():
    model = nn.Sequential(nn.Conv2d(3, 4, 3, bias=False), nn.Flatten(),
                          nn.Linear(4 * 6 * 6, 5))
    assert count_params(model) == 3 * 4 * 9 + 144 * 5 + 5
    # conv: 36 outputs x 4 channels x 27 MACs; linear: 144 x 5
    assert count_flops(model, torch.randn(1, 3, 8, 8)) == 36 * 4 * 27 + 720
    assert model.training  # restored
