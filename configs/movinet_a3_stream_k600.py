# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A3-Stream, Kinetics-600 (TF Model Garden
# `movinet_a3_stream_k600_8x8.yaml`): the A3-Base recipe with a causal
# backbone: (2+1)D convs with stream buffers, causal 2plus3d squeeze-
# excitation, hard-swish and hard-sigmoid, positional encoding in the SE
# layers. Training runs on whole clips (causal padding); testing feeds each
# clip in chunks of `test_cfg.chunk_size` frames with carried states, which
# gives the whole-clip result. Published (K600 top-1): 80.09.
_base_ = ['./movinet_a3_base_k600.py']

zoo_info = dict(
    dataset='kinetics600',
    frames='120x2',
    published_top1=80.09,
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
    test_cfg=dict(chunk_size=10))
