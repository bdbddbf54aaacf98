# Copyright (c) OpenMMLab. All rights reserved.
# LSTS on ImageNet VID with the paper's recipe where mmtin can follow it
# (Jiang et al., ECCV 2020): ResNet-101, res5 dilated (stride 16), keyframes
# every 10 frames, 81 learnable offsets initialised on the integer 9x9 grid
# over [-4, 4]^2 with lr_mult 1e4, SGD lr 2.5e-4 for 4 epochs with a x0.1
# step at 2.33 epochs, 8 GPUs x 1 clip, short side 600 (long <= 1000).
# Differences (documented in docs/lsts_vid.md): Faster R-CNN-style RPN + fc
# RoI head instead of R-FCN's position-sensitive pooling; random sampling of
# 128 RoIs instead of OHEM 128; VID only (the paper adds ImageNet DET
# images); the low / high split is at a stage boundary (res2-res3 / res4-res5;
# the paper splits inside res4), so low2high maps to res5's 2048 channels;
# test clips of 100 frames (the memory restarts every 100 frames).
# Layout: data/ILSVRC2015/{Data,Annotations}/VID/{train,val}/... as
# released. Training reads every snippet of the per-class lists once:
#   cat ImageSets/VID/train_*.txt > ImageSets/VID/train_all.txt
# (lines "train/ILSVRC2015_VID_train_0000/ILSVRC2015_train_00000000 1",
# relative to Data/VID; repeated snippets are read once). Validation reads
# ImageSets/VID/val.txt as released (frame lines relative to Data/VID/val).
default_scope = 'mmaction'
custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

data_root = 'data/ILSVRC2015'
keyframe_interval = 10
train_clip_len = keyframe_interval + 1  # two keyframes: SRFU is trained
test_clip_len = 100
scale = (600, 1000)

dataset = dict(type='ImageNetVIDDataset', data_root=data_root,
               img_ext='.JPEG')
train_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        dataset,
        ann_file='ImageSets/VID/train_all.txt',
        data_prefix=dict(img='Data/VID', ann='Annotations/VID'),
        clip_len=train_clip_len,
        pipeline=[dict(type='LoadVIDFrames', scale=scale),
                  dict(type='PackVIDInputs')]))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        dataset,
        ann_file='ImageSets/VID/val.txt',
        data_prefix=dict(img='Data/VID/val', ann='Annotations/VID/val'),
        clip_len=test_clip_len,
        test_mode=True,
        pipeline=[dict(type='LoadVIDFrames', scale=scale),
                  dict(type='PackVIDInputs')]))
test_dataloader = val_dataloader
val_evaluator = dict(type='VIDCocoMetric', keyframe_interval=keyframe_interval)
test_evaluator = val_evaluator

model = dict(
    type='LSTSVideoDetector',
    backbone=dict(
        type='ResNet',
        _scope_='mmpretrain',
        depth=101,
        num_stages=4,
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 2),
        out_indices=(3, ),
        frozen_stages=1,
        norm_eval=True,
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet101')),
    # R-FCN's 3x3 feature conv (2048 -> 1024) on every frame's features
    neck=dict(type='ConvModule', in_channels=2048, out_channels=1024,
              kernel_size=3, padding=1, act_cfg=dict(type='ReLU')),
    rpn_head=dict(
        type='AnchorRPNHead',
        in_channels=1024,
        stride=16,
        feat_channels=512,
        anchor_sizes=(128, 256, 512),
        anchor_ratios=(0.5, 1.0, 2.0),
        train_proposals=dict(pre_nms=6000, post_nms=300, nms_iou=0.7),
        test_proposals=dict(pre_nms=6000, post_nms=300, nms_iou=0.7)),
    roi_head=dict(
        type='RoIBoxHead',
        in_channels=1024,
        num_classes=30,
        stride=16,
        roi_size=7,
        fc_channels=1024,
        num_samples=128,
        max_per_img=300,
        score_thr=1e-3),
    keyframe_interval=keyframe_interval,
    alignment='lsts',
    num_low_stages=2,
    low2high=dict(type='LSTSLow2High', in_channels=512, out_channels=2048,
                  mid_channels=256, stride=2),
    srfu_align=dict(type='LSTSAlign', embed_channels=256, num_offsets=81,
                    offset_init='grid'),
    dfa_align=dict(type='LSTSAlign', embed_channels=256, num_offsets=81,
                   offset_init='grid'),
    srfu_fusion=dict(type='LSTSQualityFusion', mid_channels=256,
                     quality_channels=16),
    dfa_fusion=dict(type='LSTSQualityFusion', mid_channels=256,
                    quality_channels=16),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))

max_epochs = 4
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_begin=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(
        custom_keys={'.offsets': dict(lr_mult=1e4, decay_mult=0.)}))
# x0.1 after 2.33 of 4 epochs (a fractional begin works iteration-based;
# ConstantLR restores the lr at `end`, so `end` lies past the last epoch)
param_scheduler = [
    dict(type='ConstantLR', factor=0.1, by_epoch=True, begin=2.33,
         end=max_epochs + 1, convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=8)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
