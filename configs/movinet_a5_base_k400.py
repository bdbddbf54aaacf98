# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A5-Base, Kinetics-400. Published (TF Model Garden vision README, K400
# baselines, 120x2): 81.39 top-1. No K400 YAML is published: this is the K600
# recipe (same epochs) with the K400 data and 400 classes.
_base_ = ['./movinet_a5_base_k600.py']

zoo_info = dict(
    dataset='kinetics400',
    frames='120x2',
    published_top1=81.39,
    source='TF Model Garden official/vision README (K400 baselines)')

model = dict(cls_head=dict(num_classes=400))

data_root = 'data/kinetics400/videos_train'
data_root_val = 'data/kinetics400/videos_val'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'
ann_file_val = 'data/kinetics400/kinetics400_val_list_videos.txt'
ann_file_test = 'data/kinetics400/kinetics400_val_list_videos.txt'
train_dataloader = dict(
    dataset=dict(ann_file=ann_file_train, data_prefix=dict(video=data_root)))
val_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_val, data_prefix=dict(video=data_root_val)))
test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_test, data_prefix=dict(video=data_root_val)))
