# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R101, 8 segments x 5 frames, Kinetics-400, ImageNet init
# (torchvision resnet101-5d3b4d8f.pth). Recipe of tdn_r50_8x_kinetics400.py.
# Published (official README, 8x3x10): 77.5 / 93.6 top-1 / top-5.
# 65.8 GFLOPs (GMACs) per 8x5-frame 224x224 view.
_base_ = ['./tdn_r50_8x_kinetics400.py']

zoo_info = dict(
    dataset='kinetics400',
    frames='8x5',
    published_top1=77.5,
    published_top5=93.6,
    published_gflops=None,  # the GMACs in the spec are for 224x224
    test_views='8x3x10',
    source='MCG-NJU/TDN README')

model = dict(
    backbone=dict(
        depth=101,
        pretrained='https://download.pytorch.org/models/'
        'resnet101-5d3b4d8f.pth'))
