# Copyright (c) OpenMMLab. All rights reserved.
# TIN-R50, 8 segments, HMDB51 (51 classes, split 1 by default),
# fine-tuned from MMAction2's TIN-R50 Kinetics-400 checkpoint.
#
# Recipe: mmtin's, not a published one (MMAction2 has no TIN HMDB51
# config or result, and no HMDB51 number for TIN is reproduced here).
# The same fine-tuning recipe as `tin_r50_8x_ucf101.py` (inherited; only
# the classes and the data differ): 8 GPUs x 6 clips, SGD lr 0.001 m 0.9
# wd 5e-4, fc_lr5, clip_grad 20, MultiStep [10, 20] gamma 0.1, 25 epochs,
# dropout 0.8, flip 0.5.
# Params 23,643,539; 32.96 GFLOPs (MACs) per 8-frame 224x224 view.
_base_ = ['./tin_r50_8x_ucf101.py']

zoo_info = dict(
    dataset='hmdb51',
    frames='1x1x8',
    published_top1=None,
    source='mmtin recipe; no published TIN result for HMDB51')

model = dict(cls_head=dict(num_classes=51))

# dataset settings
data_root = 'data/hmdb51/videos'
data_root_val = 'data/hmdb51/videos'
split = 1  # official train/test splits: 1, 2 or 3
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
