# Copyright (c) OpenMMLab. All rights reserved.
# 3D ResNet-RS-200, Kinetics-600, 32 frames x stride 2. Published (K600 top-1,
# TF Model Garden vision README): 83.1. Only the RS-50 YAML is published; this
# is the RS-50 recipe with depth 200 on Kinetics-600 (600 classes).
_base_ = ['./resnet3d_rs50_k400.py']

zoo_info = dict(
    dataset='kinetics600',
    frames='32x2',
    published_top1=83.1,
    source='TF Model Garden official/vision README')

model = dict(
    backbone=dict(depth=200), cls_head=dict(num_classes=600))

data_root = 'data/kinetics600/videos_train'
data_root_val = 'data/kinetics600/videos_val'
ann_file_train = 'data/kinetics600/kinetics600_train_list_videos.txt'
ann_file_val = 'data/kinetics600/kinetics600_val_list_videos.txt'
ann_file_test = 'data/kinetics600/kinetics600_val_list_videos.txt'
train_dataloader = dict(
    dataset=dict(ann_file=ann_file_train, data_prefix=dict(video=data_root)))
val_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_val, data_prefix=dict(video=data_root_val)))
test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_test, data_prefix=dict(video=data_root_val)))
