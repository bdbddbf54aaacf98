# Copyright (c) OpenMMLab. All rights reserved.
# Control: the per-frame detector (the full backbone on every frame; no
# memory, low2high / alignment / fusion are not built).
_base_ = ['./_base_vid_objects.py']

model = dict(keyframe_interval=1, alignment='lsts')
