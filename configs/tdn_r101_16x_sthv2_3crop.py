# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R101, 16 segments, Something-Something V2, tested with 3 crops: the
# frames are resized to a 256 short side and cropped at left / centre /
# right to 256x256 (official --full_res); class probabilities are averaged
# over the crops (average_clips='prob').
# Published (official README, 16x3x1): 68.2 / 91.6 top-1 / top-5.
_base_ = ['./tdn_r101_16x_sthv2.py']

zoo_info = dict(
    dataset='sthv2',
    frames='16x5',
    published_top1=68.2,
    published_top5=91.6,
    published_gflops=None,  # the GMACs in the spec are for 224x224
    test_views='16x3x1',
    source='MCG-NJU/TDN README')

test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='TDNSampleFrames',
        clip_len=5,
        num_clips=16,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='ThreeCrop', crop_size=256),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
