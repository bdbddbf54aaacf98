# Copyright (c) OpenMMLab. All rights reserved.
# LSTS keyframe propagation: the full backbone on frames 2 and 6 of 8; the
# others run the stem + low2high and take their keyframe's features aligned
# by LSTS.
_base_ = ['./_base_moving_object.py']

model = dict(keyframe_interval=4, propagation='lsts')
