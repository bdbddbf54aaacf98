# Copyright (c) OpenMMLab. All rights reserved.
# Config search on the embedded demo dataset (docs/search.md):
# {TSN, TSM, TIN, TDN} x lr x num_segments, 4 epochs per trial, the
# hand-set configs of configs/demo/ tried first.
#
#   python tools/data/generate_demo_dataset.py data/demo
#   python tools/search.py configs/search/search_demo.py --workers 2
#
# Every trial starts from `base_config`, then `overrides`, then the sampled
# parameters (in the order of `space`). `'${name}'` anywhere in the config
# is replaced by the value of parameter `name`.
base_config = '../demo/tin_r18_demo.py'
metric = 'acc/top1'
direction = 'maximize'
n_trials = 12
seed = 0

# Search budget: 4 epochs (the hand-set demo configs train 8), a validation
# after every epoch (what the pruner sees), only the last checkpoint kept.
_epochs = 4
overrides = {
    'num_segments': '${num_segments}',
    'model.cls_head.num_segments': '${num_segments}',
    'train_dataloader.dataset.pipeline.1.num_clips': '${num_segments}',
    'val_dataloader.dataset.pipeline.1.num_clips': '${num_segments}',
    'test_dataloader.dataset.pipeline.1.num_clips': '${num_segments}',
    'train_cfg': dict(max_epochs=_epochs, val_interval=1),
    'param_scheduler.1.T_max': _epochs,
    'param_scheduler.1.end': _epochs,
    'default_hooks.checkpoint': dict(save_best=None, max_keep_ckpts=1),
    'default_hooks.logger.interval': 50,
}

# One fragment per model: merged into the base config when chosen.
_r18 = dict(depth=18, pretrained=None, norm_eval=False)
_tdn_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len='${clip_len}', frame_interval=1,
         num_clips='${num_segments}', out_of_bound_opt='repeat_last'),
    dict(type='DecordDecode'),
    dict(type='RandomResizedCrop', area_range=(0.7, 1.0)),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
_tdn_test_pipeline = [
    dict(type='DecordInit'),
    dict(type='TDNSampleFrames', clip_len='${clip_len}', frame_interval=1,
         num_clips='${num_segments}', test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
# MoViNet-A0 (3D, one clip of num_segments consecutive frames): a choice a
# user can add to `space.model.choices` (not in the 12-trial demo budget).
_movinet_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len='${num_segments}', frame_interval=1,
         num_clips=1),
    dict(type='DecordDecode'),
    dict(type='RandomResizedCrop', area_range=(0.7, 1.0)),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
_movinet_test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len='${num_segments}', frame_interval=1,
         num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
_models = dict(
    TSN=dict(model=dict(
        backbone=dict(_delete_=True, type='ResNet', **_r18),
        cls_head=dict(is_shift=False))),
    TSM=dict(model=dict(
        backbone=dict(_delete_=True, type='ResNetTSM',
                      num_segments='${num_segments}', shift_div=8,
                      pretrained2d=False, **_r18),
        cls_head=dict(is_shift=True))),
    TIN=dict(model=dict(
        backbone=dict(_delete_=True, type='TINResNet',
                      num_segments='${num_segments}', shift_div=4,
                      pretrained2d=False, **_r18),
        cls_head=dict(is_shift=True))),
    TDN=dict(
        model=dict(
            backbone=dict(_delete_=True, type='TDNResNet',
                          num_segments='${num_segments}',
                          clip_len='${clip_len}', **_r18),
            cls_head=dict(is_shift=False)),
        train_dataloader=dict(dataset=dict(pipeline=_tdn_pipeline)),
        val_dataloader=dict(dataset=dict(pipeline=_tdn_test_pipeline)),
        test_dataloader=dict(dataset=dict(pipeline=_tdn_test_pipeline))),
    MoViNet=dict(
        model=dict(
            _delete_=True,
            type='Recognizer3D',
            backbone=dict(type='MoViNet', arch='a0', causal=False,
                          conv_type='3d', se_type='3d',
                          act_cfg=dict(type='SiLU'),
                          gate_cfg=dict(type='Sigmoid'),
                          drop_path_rate=0.0),
            cls_head=dict(type='MoViNetHead', num_classes=2,
                          in_channels=480, hidden_channels=512,
                          act_cfg=dict(type='SiLU'), dropout_ratio=0.2,
                          average_clips='prob'),
            data_preprocessor=dict(type='ActionDataPreprocessor',
                                   mean=[0., 0., 0.],
                                   std=[255., 255., 255.],
                                   format_shape='NCTHW')),
        train_dataloader=dict(dataset=dict(pipeline=_movinet_pipeline)),
        val_dataloader=dict(dataset=dict(pipeline=_movinet_test_pipeline)),
        test_dataloader=dict(
            dataset=dict(pipeline=_movinet_test_pipeline))),
)

space = dict(
    model=dict(type='categorical',
               choices={k: _models[k] for k in ('TSN', 'TSM', 'TIN', 'TDN')}),
    lr=dict(type='float', low=3e-4, high=3e-3, log=True,
            keys='optim_wrapper.optimizer.lr'),
    num_segments=dict(type='categorical', choices=[4, 8]),
    # conditional: only sampled (and only used) when model is TDN;
    # TDNResNet's S-TDM needs 5 frames per segment
    clip_len=dict(type='categorical', choices=[5],
                  condition=dict(model='TDN')),
)

# The hand-set demo recipes (lr 1e-3, 8 segments) go first, one per model,
# so every model is tried at least once; TPE samples the rest.
enqueue = [
    dict(model=m, lr=1e-3, num_segments=8, clip_len=5)
    for m in ('TIN', 'TSN', 'TSM', 'TDN')
]
sampler = dict(type='TPESampler', seed=0, n_startup_trials=6,
               constant_liar=True)
# prune a trial below the median of earlier trials at the same epoch
# (from epoch 2 on, once 4 trials have finished)
pruner = dict(type='MedianPruner', n_startup_trials=4, n_warmup_steps=2)
heartbeat = dict(interval=10, grace_period=60)
