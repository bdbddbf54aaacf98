# Copyright (c) OpenMMLab. All rights reserved.
# Plain model: the RGB sub-network alone (TSN-style), every segment, as many
# epochs as the three AdaMML stages.
_base_ = ['./_base_adamml_demo.py']

modalities = ('rgb', )
train_pipeline = [
    dict(type='PyAVInit'),
    dict(type='SampleMultiModalSegments', num_segments=4, clip_len=1),
    dict(type='DecodeAudioVisual', sample_rate=16000),
    dict(type='FormatAudioVisualInputs', modalities=modalities),
    dict(type='PackActionInputs', collect_keys=modalities)
]
test_pipeline = [
    dict(type='PyAVInit'),
    dict(type='SampleMultiModalSegments', num_segments=4, clip_len=1,
         test_mode=True),
    dict(type='DecodeAudioVisual', sample_rate=16000),
    dict(type='FormatAudioVisualInputs', modalities=modalities),
    dict(type='PackActionInputs', collect_keys=modalities)
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
val_evaluator = [
    dict(type='AccMetric'),
    dict(type='GFLOPsMetric', per_class=True),
    dict(type='SilencedAudioMetric')
]
test_evaluator = val_evaluator
model = dict(
    _delete_=True,
    type='AdaMMLRecognizer',
    modalities=modalities,
    subnets=dict(rgb={{_base_.subnets.rgb}}),
    policy=None)
max_epochs = 7
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
