# Copyright (c) OpenMMLab. All rights reserved.
# 3D ResNet-RS-101, Kinetics-400, 32 frames x stride 2. Published (K400 top-1,
# TF Model Garden vision README): 79.5. Only the RS-50 YAML is published; this
# is the RS-50 recipe with depth 101.
_base_ = ['./resnet3d_rs50_k400.py']

zoo_info = dict(
    dataset='kinetics400',
    frames='32x2',
    published_top1=79.5,
    source='TF Model Garden official/vision README')

model = dict(backbone=dict(depth=101))
