# Copyright (c) OpenMMLab. All rights reserved.
# TSN-R18 with an LSTSAlignNeck on the demo dataset (configs/demo, 8 x 32x32
# frames, from scratch). Each segment's last-stage features (2x2 at 32 px,
# output stride 16) are aligned to both neighbours (9 offsets, 3x3 integer
# grid) and fused. The neighbours are symmetric, so like TSN it has no
# notion of temporal order: this config shows the wiring, not an accuracy
# gain (the LSTS evidence uses configs/lsts/*_moving_object.py).
_base_ = ['../demo/_base_demo.py']

model = dict(
    backbone=dict(
        type='ResNet',
        depth=18,
        pretrained=None,
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 2),
        out_indices=(2, 3),
        norm_eval=False),
    neck=dict(
        type='LSTSAlignNeck',
        in_channels=512,
        num_segments={{_base_.num_segments}},
        align=dict(type='LSTSAlign', embed_channels=64, num_offsets=9),
        fusion=dict(type='LSTSQualityFusion', mid_channels=64)),
    cls_head=dict(type='SegmentConsensusHead', is_shift=False))
optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={'.offsets': dict(lr_mult=20., decay_mult=0.)}))
