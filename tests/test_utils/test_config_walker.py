# Copyright (c) OpenMMLab. All rights reserved.
import pytest
from mmengine.config import Config

import mmtin  # noqa: F401
from mmtin.utils.config_walker import (ConfigKeyError, disable_pretrained,
                                       get_key, iter_config,
                                       replace_data_root, set_key,
                                       set_max_epochs, set_num_segments)


def _cfg():
    return Config(
        dict(
            data_root='data/demo',
            train_dataloader=dict(
                dataset=dict(
                    type='RepeatDataset',
                    dataset=dict(
                        ann_file='data/demo/train.txt',
                        data_prefix=dict(video='data/demo'),
                        pipeline=[dict(type='A', p='data/demo2/x')]))),
            test_dataloader=dict(
                dataset=dict(ann_file='data/demo/test.txt')),
            train_cfg=dict(max_epochs=8),
            param_scheduler=[
                dict(type='LinearLR', by_epoch=True, begin=0, end=1),
                dict(type='MultiStepLR', by_epoch=True, begin=0, end=8,
                     milestones=[4, 6]),
                dict(type='CosineAnnealingLR', by_epoch=True, T_max=8,
                     begin=0, end=8),
                dict(type='LinearLR', by_epoch=False, begin=0, end=100),
            ]))


def test_iter_config_keys_and_parents():
    cfg = _cfg()
    seen = {name: (parent, key, value)
            for name, parent, key, value in iter_config(cfg)}
    parent, key, value = seen['train_dataloader.dataset.dataset.pipeline.0.p']
    assert value == 'data/demo2/x' and parent[key] is value
    assert 'test_dataloader.dataset.ann_file' in seen


def test_get_and_set_key_name_the_missing_part():
    cfg = _cfg()
    set_key(cfg, 'train_dataloader.dataset.dataset.pipeline.0.p', 'q')
    assert get_key(cfg, 'train_dataloader.dataset.dataset.pipeline.0.p') \
        == 'q'
    with pytest.raises(ConfigKeyError, match=r"'train_dataloader.nope'"):
        set_key(cfg, 'train_dataloader.nope.x', 1, 'space.x')
    with pytest.raises(ConfigKeyError, match='space.x: .*length 1'):
        set_key(cfg, 'train_dataloader.dataset.dataset.pipeline.3', 1,
                'space.x')


def test_replace_data_root_only_under_the_old_root():
    cfg = _cfg()
    changed = replace_data_root(cfg, '/tmp/new/')
    inner = cfg.train_dataloader.dataset.dataset
    assert cfg.data_root == '/tmp/new'
    assert inner.ann_file == '/tmp/new/train.txt'
    assert inner.data_prefix.video == '/tmp/new'
    assert inner.pipeline[0].p == 'data/demo2/x'  # a sibling folder stays
    assert cfg.test_dataloader.dataset.ann_file == '/tmp/new/test.txt'
    assert sorted(changed) == sorted([
        'data_root', 'train_dataloader.dataset.dataset.ann_file',
        'train_dataloader.dataset.dataset.data_prefix.video',
        'test_dataloader.dataset.ann_file'
    ])
    with pytest.raises(ConfigKeyError, match='data_root'):
        replace_data_root(Config(dict(a=1)), '/tmp')


def test_set_max_epochs_rescales_epoch_schedulers():
    cfg = _cfg()
    set_max_epochs(cfg, 4)
    s = cfg.param_scheduler
    assert cfg.train_cfg.max_epochs == 4
    assert (s[0].begin, s[0].end) == (0, 1)  # 0.5 rounds, kept >= 1
    assert (s[1].end, s[1].milestones) == (4, [2, 3])
    assert (s[2].T_max, s[2].end) == (4, 4)
    assert s[3].end == 100  # iteration-based: untouched
    with pytest.raises(ConfigKeyError, match='positive int'):
        set_max_epochs(cfg, 0)


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
        'cls_head.init_cfg', 'extra.0.pretrained', 'extra.0.pretrained2d',
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
