# Copyright (c) OpenMMLab. All rights reserved.
# Control: the per-frame ResNet-101 detector on ImageNet VID (backbone on
# every frame; train clips of 11 frames are 11 independent frames).
_base_ = ['./_base_imagenet_vid.py']

model = dict(keyframe_interval=1)
