# Copyright (c) OpenMMLab. All rights reserved.
# 3D ResNet-RS-50 (Du et al., 2021; TF Model Garden `ResNet3DRS` with the
# `k400_resnet3drs_50_tpu.yaml` overrides): ResNet-D stem (5x3x3 stride 2
# conv, two 1x3x3 convs, 1x3x3 max-pool), temporal kernels 1/1/3/3, SE
# ratio 0.25, self-gating in the last block of each stage, stochastic depth
# 0.1 * (stage + 2) / 5, head: global average pool, dropout 0.5, FC.
# BN eps 1e-5; PyTorch's default momentum (the YAML's TF momentum 0.0 is not
# copied). Inputs are RGB scaled to [0, 1]; trained from scratch.
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3dRS',
        depth=50,
        pretrained=None,
        stem_channels=32,
        conv1_kernel=(5, 3, 3),
        conv1_stride_t=2,
        pool1_stride_t=1,
        inflate=(0, 0, 1, 1),
        se_ratio=0.25,
        self_gating=(True, True, True, True),
        drop_path_rate=0.1,
        norm_cfg=dict(type='BN3d', eps=1e-5, requires_grad=True)),
    cls_head=dict(
        type='I3DHead',
        num_classes=400,
        in_channels=2048,
        spatial_type='avg',
        dropout_ratio=0.5,
        init_std=0.01,
        label_smooth_eps=0.1,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[0., 0., 0.],
        std=[255., 255., 255.],
        format_shape='NCTHW'))
