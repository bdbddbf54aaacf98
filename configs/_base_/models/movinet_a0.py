# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A0-Base (Kondratyuk et al., CVPR 2021): non-causal 3D convs,
# 3D squeeze-excitation, Swish (SiLU) and sigmoid gating, BN eps 1e-3 /
# momentum 0.01, stochastic depth 0.2 (linear in depth), head 480 -> 2048
# -> classes with dropout. Inputs are RGB scaled to [0, 1].
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='MoViNet',
        arch='a0',
        causal=False,
        conv_type='3d',
        se_type='3d',
        act_cfg=dict(type='SiLU'),
        gate_cfg=dict(type='Sigmoid'),
        drop_path_rate=0.2),
    cls_head=dict(
        type='MoViNetHead',
        num_classes=600,
        in_channels=480,
        hidden_channels=2048,
        act_cfg=dict(type='SiLU'),
        dropout_ratio=0.2,
        label_smooth_eps=0.1,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[0., 0., 0.],
        std=[255., 255., 255.],
        format_shape='NCTHW'))
