# Copyright (c) OpenMMLab. All rights reserved.
# Control: the same keyframe propagation without alignment (the memory is
# copied to the non-key frames and into SRFU as it is).
_base_ = ['./_base_vid_objects.py']

model = dict(alignment='copy')
