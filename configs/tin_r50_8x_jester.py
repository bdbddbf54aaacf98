# Copyright (c) OpenMMLab. All rights reserved.
# TIN-R50, 8 segments, 20BN-Jester (27 gestures), ImageNet-initialised.
#
# Recipe: mmtin's, not a published one (MMAction2 has no TIN Jester config
# or result, and no Jester number for TIN is reproduced here). It is the
# Something-Something V1 recipe of `tin_r50_8x_sthv1.py` (inherited; the
# same 20BN raw-frame format, '{:05}.jpg'): 8 GPUs x 6 clips, SGD lr 0.01
# m 0.9 wd 5e-4, fc_lr5, clip_grad 20, 1 warm-up epoch from lr/10 then
# cosine, 40 epochs; dropout 0.5 (Jester is much larger per class than
# sthv1); no flip (swipe left/right labels depend on direction).
# Params 23,594,363 (27 classes); 32.96 GFLOPs (MACs) per 8-frame view.
_base_ = ['./tin_r50_8x_sthv1.py']

zoo_info = dict(
    dataset='jester',
    frames='1x1x8',
    published_top1=None,
    source='mmtin recipe; no published TIN result for Jester')

model = dict(cls_head=dict(num_classes=27, dropout_ratio=0.5))

# dataset settings
data_root = 'data/jester/rawframes'
data_root_val = 'data/jester/rawframes'
ann_file_train = 'data/jester/jester_train_list_rawframes.txt'
ann_file_val = 'data/jester/jester_val_list_rawframes.txt'
ann_file_test = 'data/jester/jester_val_list_rawframes.txt'

train_dataloader = dict(
    dataset=dict(ann_file=ann_file_train, data_prefix=dict(img=data_root)))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file_val, data_prefix=dict(img=data_root_val)))
test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_test, data_prefix=dict(img=data_root_val)))
