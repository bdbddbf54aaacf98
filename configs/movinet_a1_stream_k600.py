# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A1-Stream, Kinetics-600 (TF Model Garden
# `movinet_a1_stream_k600_8x8.yaml`): the A1-Base recipe with a causal
# backbone: (2+1)D convs with stream buffers, causal 2plus3d squeeze-
# excitation, hard-swish and hard-sigmoid (no positional encoding: only A3-A5
# use it). Training runs on whole clips (causal padding); testing feeds each
# clip in chunks of `test_cfg.chunk_size` frames with carried states, which
# gives the whole-clip result. Published (K600 top-1): 76.45.
_base_ = ['./movinet_a1_base_k600.py']

zoo_info = dict(
    dataset='kinetics600',
    frames='50x5',
    published_top1=76.45,
    source='TF Model Garden projects/movinet README')

model = dict(
    type='MoViNetStreamRecognizer',
    backbone=dict(
        causal=True,
        conv_type='2plus1d',
        se_type='2plus3d',
        use_pos_encoding=False,
        act_cfg=dict(type='HSwish'),
        gate_cfg=dict(type='HSigmoid')),
    test_cfg=dict(chunk_size=10))
