# Copyright (c) OpenMMLab. All rights reserved.
# A half-rate member of the MoViNet ensemble demo: the same model on
# 8 frames x stride 2, frames 0, 2, ..., 14 (half the FLOPs of the
# full-rate `movinet_a0_demo_16x1.py`). The second member is this config
# with `frame_offset=1` (frames 1, 3, ..., 15): set
# `{train,val,test}_dataloader.dataset.start_index=1`, as
# `tools/analysis/ensemble_evidence.py` does.
_base_ = ['./_base_movinet_a0_demo.py']

clip_len = 8
frame_interval = 2


def _pipeline(test_mode):
    augment = [] if test_mode else [
        dict(type='RandomResizedCrop', area_range=(0.7, 1.0))
    ]
    return [
        dict(type='DecordInit'),
        dict(type='SampleFrames', clip_len=clip_len,
             frame_interval=frame_interval, num_clips=1,
             test_mode=test_mode),
        dict(type='DecordDecode'),
        *augment,
        dict(type='Resize', scale=(32, 32), keep_ratio=False),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')
    ]


train_dataloader = dict(dataset=dict(pipeline=_pipeline(False)))
val_dataloader = dict(dataset=dict(pipeline=_pipeline(True)))
test_dataloader = dict(dataset=dict(pipeline=_pipeline(True)))
