# Copyright (c) OpenMMLab. All rights reserved.
# The control of CVRL's temporally consistent augmentation: the same
# pre-training, but every frame draws its own crop and colour jitter
# (`ClipwiseAugment(unit='frame')`), so a clip's frames no longer show one
# consistent scene.
_base_ = ['./cvrl_rs50w8_demo_pretrain.py']

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleClipPair', clip_len={{_base_.clip_len}},
         distance='decreasing'),
    dict(type='DecordDecode'),
    dict(type='ClipwiseAugment', transforms={{_base_.spatial_augment}},
         unit='frame'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
