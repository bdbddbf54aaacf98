# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A4-Stream, Kinetics-600 (TF Model Garden
# `movinet_a4_stream_k600_8x8.yaml`): the A4-Base recipe with a causal
# backbone: (2+1)D convs with stream buffers, causal 2plus3d squeeze-
# excitation, hard-swish and hard-sigmoid, positional encoding in the SE
# layers. Training runs on whole clips (causal padding); testing feeds each
# clip in chunks of `test_cfg.chunk_size` frames with carried states, which
# gives the whole-clip result. The A4 recipe also uses hard-swish in the
# classifier head. Published (K600 top-1): 81.49.
_base_ = ['./movinet_a4_base_k600.py']

zoo_info = dict(
    dataset='kinetics600',
    frames='80x3',
    published_top1=81.49,
    source='TF Model Garden projects/movinet README')

model = dict(
    type='MoViNetStreamRecognizer',
    backbone=dict(
        causal=True,
        conv_type='2plus1d',
        se_type='2plus3d',
        use_pos_encoding=True,
        act_cfg=dict(type='HSwish'),
        gate_cfg=dict(type='HSigmoid')),
    cls_head=dict(act_cfg=dict(type='HSwish')),
    test_cfg=dict(chunk_size=10))
