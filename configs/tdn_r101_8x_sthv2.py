# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R101, 8 segments x 5 frames, Something-Something V2, ImageNet init
# (torchvision resnet101-5d3b4d8f.pth). Recipe of tdn_r50_8x_sthv2.py.
# Published (official README, 8x1x1): 65.8 / 90.2 top-1 / top-5;
# 8x3x1 (3 crops, tdn_r101_8x_sthv2_3crop.py): 67.1 / 90.5.
# 65.8 GFLOPs (GMACs) per 8x5-frame 224x224 view, 43.68M params
# (official count; 43.62M here: conv biases folded into BN).
_base_ = ['./tdn_r50_8x_sthv2.py']

zoo_info = dict(
    dataset='sthv2',
    frames='8x5',
    published_top1=65.8,
    published_top5=90.2,
    published_gflops=65.8,
    test_views='8x1x1',
    source='MCG-NJU/TDN README')

model = dict(
    backbone=dict(
        depth=101,
        pretrained='https://download.pytorch.org/models/'
        'resnet101-5d3b4d8f.pth'))
