# Copyright (c) OpenMMLab. All rights reserved.
# A half-rate member of the MoViNet ensemble demo, trained (and tested)
# alone: a one-member `EnsembleRecognizer` on the full-rate 8x2 clip of
# `movinet_a0_demo_8x2.py` that gives the model every other frame of it
# (offset 0: frames 0, 4, 8, 12 of the video; 4 frames x stride 4, half
# the FLOPs of the full-rate model). The second member is this config
# with `model.members.0.frames.offset=1` (frames 2, 6, 10, 14), as
# `tools/analysis/ensemble_evidence.py` sets it. Its checkpoint is a
# member checkpoint of `movinet_a0_demo_ensemble_2x4x4.py`.
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
    ])
