# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R50, 16 segments x 5 frames, HMDB51 split 1, fine-tuned from a
# Kinetics-400 TDN-R50 16x checkpoint; recipe of tdn_r50_16x_ucf101.py
# (TDN#56). The official README gives no HMDB51 accuracy.
_base_ = ['./tdn_r50_16x_ucf101.py']

zoo_info = dict(
    dataset='hmdb51',
    frames='16x5',
    published_gflops=None,  # the GMACs in the spec are for 224x224
    test_views='16x3x10',
    source='recipe: MCG-NJU/TDN#56 (no published accuracy)')

model = dict(cls_head=dict(num_classes=51))

split = 1  # official train/test splits. valid numbers: 1, 2, 3
data_root = 'data/hmdb51/videos'
data_root_val = 'data/hmdb51/videos'
ann_file_train = f'data/hmdb51/hmdb51_train_split_{split}_videos.txt'
ann_file_val = f'data/hmdb51/hmdb51_val_split_{split}_videos.txt'
ann_file_test = f'data/hmdb51/hmdb51_val_split_{split}_videos.txt'

train_dataloader = dict(
    dataset=dict(ann_file=ann_file_train, data_prefix=dict(video=data_root)))
val_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_val, data_prefix=dict(video=data_root_val)))
test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_test, data_prefix=dict(video=data_root_val)))
