# Copyright (c) OpenMMLab. All rights reserved.
# The full-rate model of the MoViNet ensemble demo: the A0-style demo
# MoViNet on 16 frames x stride 1 (every frame of the demo videos).
_base_ = ['./_base_movinet_a0_demo.py']
