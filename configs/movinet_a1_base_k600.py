# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A1-Base, Kinetics-600 (TF Model Garden `movinet_a1_k600_8x8.yaml`):
# the A0 recipe with the A1 architecture and dropout 0.5. Data as A0 (50x5 at
# 172x172, short side 192).
# Published (K600 top-1): 76.69, 6.0 GFLOPs per video.
_base_ = ['./movinet_a0_base_k600.py']

zoo_info = dict(
    dataset='kinetics600',
    frames='50x5',
    published_top1=76.69,
    published_gflops=6.0,
    source='TF Model Garden projects/movinet README')

model = dict(
    backbone=dict(arch='a1'),
    cls_head=dict(in_channels=600, dropout_ratio=0.5))
