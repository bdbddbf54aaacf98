# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R101, 16 segments x 5 frames, Something-Something V2, ImageNet init
# (torchvision resnet101-5d3b4d8f.pth). Recipe of tdn_r50_16x_sthv2.py.
# Published (official README, 16x1x1): 66.9 / 90.9 top-1 / top-5;
# 16x3x1 (3 crops, tdn_r101_16x_sthv2_3crop.py): 68.2 / 91.6.
# 131.7 GFLOPs (GMACs) per 16x5-frame 224x224 view, 43.68M params
# (official count; 43.62M here: conv biases folded into BN).
_base_ = ['./tdn_r50_16x_sthv2.py']

zoo_info = dict(
    dataset='sthv2',
    frames='16x5',
    published_top1=66.9,
    published_top5=90.9,
    published_gflops=131.7,
    test_views='16x1x1',
    source='MCG-NJU/TDN README')

model = dict(
    backbone=dict(
        depth=101,
        pretrained='https://download.pytorch.org/models/'
        'resnet101-5d3b4d8f.pth'))
