# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet's simple ensembling (Kondratyuk et al., CVPR 2021, Sec. 3.4) on
# the demo: two half-rate members (`movinet_a0_demo_half_rate.py`, trained
# independently, one on frames 0, 4, 8, 12 and one on frames 2, 6, 10,
# 14), logits averaged. The test clip is the full-rate 8x2 clip of
# `movinet_a0_demo_8x2.py` (frames 0, 2, ..., 14); each member takes its
# 4 frames of it (every other one, offsets 0 and 1), so the ensemble costs
# the FLOPs of the full-rate model.
# Test only: set `model.members.{0,1}.checkpoint` to the members'
# checkpoints (`tools/analysis/ensemble_evidence.py` does).
_base_ = ['./movinet_a0_demo_8x2.py']

model = dict(
    _delete_=True,
    type='EnsembleRecognizer',
    fuse='logits',
    num_frames=8,
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
