# Copyright (c) OpenMMLab. All rights reserved.
import pytest
from mmengine.config import Config

from mmtin.utils.config_walker import (ConfigKeyError, get_key, iter_config,
                                       replace_data_root, set_key,
                                       set_max_epochs)


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
