# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R101, 8 segments, Something-Something V2, tested with 3 crops: the
# frames are resized to a 256 short side and cropped at left / centre /
# right to 256x256 (official --full_res); class probabilities are averaged
# over the crops (average_clips='prob').
# Published (official README, 8x3x1): 67.1 / 90.5 top-1 / top-5.
_base_ = ['./tdn_r101_8x_sthv2.py']

zoo_info = dict(
    dataset='sthv2',
    frames='8x5',
    published_top1=67.1,
    published_top5=90.5,
    published_gflops=None,  # the GMACs in the spec are for 224x224
    test_views='8x3x1',
    source='MCG-NJU/TDN README')

test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='TDNSampleFrames',
        clip_len=5,
        num_clips=8,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='ThreeCrop', crop_size=256),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
