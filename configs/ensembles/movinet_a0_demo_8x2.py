# Copyright (c) OpenMMLab. All rights reserved.
# The full-rate model of the MoViNet ensemble demo: the A0-style demo
# MoViNet on 8 frames x stride 2 (frames 0, 2, ..., 14 of the 16-frame
# demo videos).
_base_ = ['./_base_movinet_a0_demo.py']
