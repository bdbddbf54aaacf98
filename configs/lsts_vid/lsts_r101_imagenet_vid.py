# Copyright (c) OpenMMLab. All rights reserved.
# LSTS (SRFU + DFA) on ImageNet VID, ResNet-101, keyframes every 10 frames.
_base_ = ['./_base_imagenet_vid.py']
