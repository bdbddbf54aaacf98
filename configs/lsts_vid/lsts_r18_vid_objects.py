# Copyright (c) OpenMMLab. All rights reserved.
# LSTS video detection: the full backbone on every 6th frame (SRFU updates
# the keyframe memory); the others run stem + stage 1 + low2high and take
# the memory aligned by LSTS and fused by DFA.
_base_ = ['./_base_vid_objects.py']

model = dict(alignment='lsts')
