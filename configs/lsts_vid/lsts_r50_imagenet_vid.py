# Copyright (c) OpenMMLab. All rights reserved.
# LSTS (SRFU + DFA) on ImageNet VID, ResNet-50, keyframes every 10 frames.
_base_ = ['./_base_imagenet_vid.py']

model = dict(
    backbone=dict(
        depth=50,
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet50')))
