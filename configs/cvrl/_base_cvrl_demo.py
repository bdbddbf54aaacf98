# Copyright (c) OpenMMLab. All rights reserved.
# Shared settings of the CVRL demo configs (pre-training, linear
# evaluation, fine-tuning): the temporal-order demo dataset
# (`python tools/data/generate_demo_dataset.py data/demo`, 64x64 videos of
# 16 frames), clips of 8 frames resized to 32x32, and the 3D ResNet-RS-50
# layout at width 8 (256-channel features) so that it trains on a CPU.
_base_ = ['../_base_/default_runtime.py']

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

data_root = 'data/demo'
clip_len = 8
img_size = 32
feat_channels = 256

model = dict(
    backbone=dict(
        type='ResNet3dRS',
        depth=50,
        base_channels=8,
        stem_channels=8,
        drop_path_rate=0.1),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))

# CVRL's spatial augmentation without flip (mirroring swaps the demo's
# left/right motion classes) and without hue jitter (MMAction2 1.2's hue
# shift overflows uint8 under NumPy 2); grayscale and blur are not in
# MMAction2's transforms.
spatial_augment = [
    dict(type='RandomResizedCrop', area_range=(0.3, 1.0)),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4,
         hue=0),
]
