# Copyright (c) OpenMMLab. All rights reserved.
"""Tiny search studies for the tests of mmtin.search and tools/search.py.

A 12-video temporal-order demo dataset (32x32, 8 frames) in a tmp dir, a
standalone base config (ResNet-18 family, 2 segments, batch 4, 1 epoch)
and search configs over it.
"""
from pathlib import Path

from mmtin.datasets.synthetic.temporal_order import generate_demo_dataset

BASE = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)
data_root = {root!r}
pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
def _loader(split, shuffle):
    return dict(
        batch_size=4, num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=shuffle),
        dataset=dict(type='VideoDataset',
                     ann_file=f'{{data_root}}/{{split}}.txt',
                     data_prefix=dict(video=data_root), pipeline=pipeline,
                     test_mode=not shuffle))
train_dataloader = _loader('train', True)
val_dataloader = _loader('val', False)
test_dataloader = _loader('test', False)
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNetTSM', depth=18, num_segments=2,
                  pretrained=None, pretrained2d=False),
    cls_head=dict(type='TSMHead', num_classes=2, in_channels=512,
                  num_segments=2, dropout_ratio=0.0, average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[128., 128., 128.], std=[64., 64., 64.],
                           format_shape='NCHW'))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs={epochs},
                 val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9))
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1))
env_cfg = dict(dist_cfg=dict(backend='nccl'))
'''

# TSN (plain ResNet), TSM, and (broken=True) a choice whose backbone does
# not exist
SEARCH = '''
base_config = {base!r}
metric = 'acc/top1'
n_trials = {n_trials}
space = dict(
    model=dict(type='categorical', choices=dict(
        TSN=dict(model=dict(
            backbone=dict(_delete_=True, type='ResNet', depth=18,
                          pretrained=None),
            cls_head=dict(is_shift=False))),
        TSM=dict(model=dict(backbone=dict(
            num_segments='${{num_segments}}'))),{broken})),
    num_segments=dict(type='categorical', choices=[2]),
    lr=dict(type='float', low=1e-3, high=1e-1, log=True,
            keys='optim_wrapper.optimizer.lr'),
)
enqueue = {enqueue!r}
sampler = dict(type='RandomSampler', seed=0)
pruner = {pruner!r}
heartbeat = dict(interval=1, grace_period=10)
'''


def make_dataset(root: Path) -> Path:
    """Write the 12-video dataset (8 train / 2 val / 2 test) to ``root``."""
    generate_demo_dataset(str(root), num_videos=12, frames=8, size=32)
    return root


def make_search(tmp: Path,
                data_root: Path,
                n_trials: int = 3,
                epochs: int = 1,
                enqueue=(),
                pruner=None,
                broken: bool = False) -> Path:
    """Write a base config and a search config; return the search one.

    Args:
        tmp (Path): Folder for the two config files.
        data_root (Path): From :func:`make_dataset`.
        n_trials (int): ``n_trials`` of the search config. Default: 3.
        epochs (int): Epochs per trial. Default: 1.
        enqueue (list[dict]): Parameter sets tried first. Default: ().
        pruner (dict, optional): Optuna pruner spec. Default: None.
        broken (bool): Add the model choice 'Broken' (an unknown backbone
            type). Default: False.
    """
    base = tmp / 'tiny_base.py'
    base.write_text(BASE.format(root=str(data_root), epochs=epochs))
    search = tmp / 'tiny_search.py'
    search.write_text(
        SEARCH.format(base=str(base), n_trials=n_trials,
                      enqueue=list(enqueue), pruner=pruner,
                      broken="\n        Broken=dict(model=dict(backbone=dict("
                      "type='NoSuchBackbone')))," if broken else ''))
    return search
