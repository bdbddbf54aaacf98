# Copyright (c) OpenMMLab. All rights reserved.
"""Tiny configs of every exported family (random init, 32-64 px, 2-4
segments or frames), written as config files by the export tests."""

_2D_TAIL = """
data_preprocessor=dict(type='ActionDataPreprocessor', format_shape='NCHW'))
"""


def _pipeline(sampler, size, fmt):
    return f"""
test_pipeline = [
    dict(type='DecordInit'),
    {sampler},
    dict(type='DecordDecode'),
    dict(type='Resize', scale=({size}, {size}), keep_ratio=False),
    dict(type='FormatShape', input_format='{fmt}'),
    dict(type='PackActionInputs')
]
"""


_TIN = """
model = dict(
    type='Recognizer2D',
    backbone=dict(type='TINResNet', depth=18, num_segments=2, shift_div=4,
                  pretrained='torchvision://resnet18', norm_eval=False),
    cls_head=dict(type='TSMHead', num_classes=5, in_channels=512,
                  num_segments=2, is_shift=True, average_clips='prob'),
""" + _2D_TAIL + _pipeline(
    "dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2, "
    "test_mode=True)", 32, 'NCHW')

_TDN = """
model = dict(
    type='Recognizer2D',
    backbone=dict(type='TDNResNet', depth=18, num_segments=2,
                  pretrained=None),
    cls_head=dict(type='TSMHead', num_classes=5, in_channels=512,
                  num_segments=2, is_shift=False, average_clips='prob'),
""" + _2D_TAIL + _pipeline(
    "dict(type='TDNSampleFrames', clip_len=5, num_clips=2, test_mode=True)",
    64, 'NCHW')

_ARCH = """dict(
    stem=4,
    stages=[(4, '8/155*'), (8, '12/333* 12/333'), (8, '16/533'),
            (8, '12/155 12/333'), (12, '16/533* 16/133')],
    project=16)"""

_MOVINET = f"""
model = dict(
    type='Recognizer3D',
    backbone=dict(type='MoViNet', arch={_ARCH}),
    cls_head=dict(type='MoViNetHead', num_classes=7, in_channels=16,
                  hidden_channels=8, average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[0., 0., 0.],
                           std=[255., 255., 255.], format_shape='NCTHW'))
""" + _pipeline(
    "dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1, "
    "test_mode=True)", 32, 'NCTHW')

_STREAM = f"""
model = dict(
    type='MoViNetStreamRecognizer',
    backbone=dict(type='MoViNet', arch={_ARCH}, causal=True,
                  conv_type='2plus1d', se_type='2plus3d',
                  use_pos_encoding=True, act_cfg=dict(type='HSwish'),
                  gate_cfg=dict(type='HSigmoid')),
    cls_head=dict(type='MoViNetHead', num_classes=7, in_channels=16,
                  hidden_channels=8, average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[0., 0., 0.],
                           std=[255., 255., 255.], format_shape='NCTHW'),
    test_cfg=dict(chunk_size=2))
""" + _pipeline(
    "dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1, "
    "test_mode=True)", 32, 'NCTHW')

_RS = """
model = dict(
    type='Recognizer3D',
    backbone=dict(type='ResNet3dRS', depth=50, base_channels=4,
                  stem_channels=4),
    cls_head=dict(type='I3DHead', num_classes=5, in_channels=128,
                  average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[0., 0., 0.],
                           std=[255., 255., 255.], format_shape='NCTHW'))
""" + _pipeline(
    "dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1, "
    "test_mode=True)", 32, 'NCTHW')

#: family -> (config text, input shape of one test view)
TINY = dict(
    tin=(_TIN, (1, 2, 3, 32, 32)),
    tdn=(_TDN, (1, 10, 3, 64, 64)),
    movinet=(_MOVINET, (1, 1, 3, 4, 32, 32)),
    stream=(_STREAM, (1, 3, 2, 32, 32)),
    resnet3d_rs=(_RS, (1, 1, 3, 4, 32, 32)),
)


def write_config(tmp_path, family):
    """Write the tiny config of ``family``; returns its path (str)."""
    path = tmp_path / f'tiny_{family}.py'
    path.write_text(TINY[family][0])
    return str(path)
