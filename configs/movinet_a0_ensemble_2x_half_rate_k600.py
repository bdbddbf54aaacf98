# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A0-Base ensemble, Kinetics-600: the paper's "simple ensembling"
# (Kondratyuk et al., CVPR 2021, Sec. 3.4). Two A0 models, trained
# independently, each at half the frame rate of the 50x5 recipe with a
# different temporal offset; logits averaged. The sampled clip is the
# full-rate 50x5 clip of `movinet_a0_base_k600.py`: member 0 takes frames
# 0, 2, ..., 48 and member 1 frames 1, 3, ..., 49 (25 frames x stride 10
# each), so the ensemble costs the FLOPs of one full-rate A0.
#
# Train both members in one run (`mode='loss'` sums their independent
# losses; they share no parameters), or train each half-rate member on its
# own and set `model.members.{0,1}.checkpoint` to their checkpoints.
# Published: the paper reports ensembles as at least as accurate as one
# full-rate model at equal FLOPs; no K600 number for this pair in our spec.
_base_ = ['./movinet_a0_base_k600.py']

zoo_info = dict(
    dataset='kinetics600',
    frames='50x5 (2 members x 25x10)',
    published_top1=None,
    published_gflops=None,
    source='MoViNets (CVPR 2021) Sec. 3.4; no published number in spec')

# the members are the A0-Base model of the base config; the ensemble uses
# its data_preprocessor (the first member's)
model = dict(
    _delete_=True,
    type='EnsembleRecognizer',
    fuse='logits',  # MoViNet averages logits
    num_frames=50,
    members=[
        dict(
            model={{_base_.model}},
            checkpoint=None,
            frames=dict(offset=0, stride=2)),
        dict(
            model={{_base_.model}},
            checkpoint=None,
            frames=dict(offset=1, stride=2)),
    ])
