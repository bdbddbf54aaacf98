# Copyright (c) OpenMMLab. All rights reserved.
# Plain model: the full backbone on every frame (keyframe_interval=1).
_base_ = ['./_base_moving_object.py']

model = dict(keyframe_interval=1)
