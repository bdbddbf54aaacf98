# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocus with the published Something-Something V1 setting (AdaFocus,
# ICCV 2021): 12 segments; glancer = TSM-MobileNetV2 (MMAction2's
# MobileNetV2TSM, ImageNet init) on the whole frame at 224; focuser =
# TSM-ResNet-50 (MMAction2's ResNetTSM, ImageNet init) on one 144 x 144
# patch per frame; no flip (labels depend on left/right).
# Stage 1 file (random patches); stages 2/3 switch as in the demo configs.
# Published results are figures only (top-1 vs GFLOPs); not reproduced here.
_base_ = ['./adafocus_mnv2_r50_p128_16x_activitynet.py']

num_segments = 12
patch_size = 144
model = dict(
    num_segments=num_segments,
    patch_size=patch_size,
    glancer=dict(
        _delete_=True,
        type='MobileNetV2TSM',
        num_segments=num_segments,
        shift_div=8,
        is_shift=True,
        pretrained='https://download.openmmlab.com/mmclassification/v0/'
        'mobilenet_v2/mobilenet_v2_batch256_imagenet_20200708-3b2dc3af.pth'),
    focuser=dict(
        _delete_=True,
        type='ResNetTSM',
        depth=50,
        num_segments=num_segments,
        shift_div=8,
        pretrained='torchvision://resnet50',
        norm_eval=False),
    cls_head=dict(num_classes=174))

dataset_type = 'RawframeDataset'
data_root = 'data/sthv1/rawframes'
ann_file_train = 'data/sthv1/sthv1_train_list_rawframes.txt'
ann_file_val = 'data/sthv1/sthv1_val_list_rawframes.txt'
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_segments),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='MultiScaleCrop', input_size=224,
         scales=(1, 0.875, 0.75, 0.66), random_crop=False,
         max_wh_scale_gap=1),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_segments, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True, type=dataset_type, ann_file=ann_file_train,
        data_prefix=dict(img=data_root), filename_tmpl='{:05}.jpg',
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        _delete_=True, type=dataset_type, ann_file=ann_file_val,
        data_prefix=dict(img=data_root), filename_tmpl='{:05}.jpg',
        pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader
