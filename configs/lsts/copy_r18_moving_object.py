# Copyright (c) OpenMMLab. All rights reserved.
# Control without the method's idea: the same keyframes, but the other frames
# take their keyframe's features unaligned (copied).
_base_ = ['./_base_moving_object.py']

model = dict(keyframe_interval=4, propagation='copy')
