# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R101, 16 segments x 5 frames, Kinetics-400, ImageNet init
# (torchvision resnet101-5d3b4d8f.pth). Recipe of tdn_r50_16x_kinetics400.py.
# Published (official README, 16x3x10): 78.5 / 93.9 top-1 / top-5.
# 131.7 GFLOPs (GMACs) per 16x5-frame 224x224 view.
_base_ = ['./tdn_r50_16x_kinetics400.py']

zoo_info = dict(
    dataset='kinetics400',
    frames='16x5',
    published_top1=78.5,
    published_top5=93.9,
    published_gflops=None,  # the GMACs in the spec are for 224x224
    test_views='16x3x10',
    source='MCG-NJU/TDN README')

model = dict(
    backbone=dict(
        depth=101,
        pretrained='https://download.pytorch.org/models/'
        'resnet101-5d3b4d8f.pth'))
