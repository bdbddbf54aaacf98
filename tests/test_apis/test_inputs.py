# Copyright (c) OpenMMLab. All rights reserved.
"""``mmtin.apis.inputs``: the input of one test view."""
from mmengine.config import Config

from mmtin.apis import view_input_shape, view_spec


def _cfg(**kwargs):
    return Config(dict(model=dict(type='Recognizer2D'), **kwargs))


def test_view_spec_2d_3d_and_defaults():
    two_d = _cfg(test_pipeline=[
        dict(type='SampleFrames', clip_len=5, num_clips=8, test_mode=True),
        dict(type='Resize', scale=(-1, 256)),
        dict(type='ThreeCrop', crop_size=256),
        dict(type='FormatShape', input_format='NCHW')
    ])
    spec = view_spec(two_d)
    assert (spec['format'], spec['num_clips'], spec['clip_len'],
            spec['crop_size']) == ('NCHW', 8, 5, (256, 256))
    assert view_input_shape(spec) == (1, 40, 3, 256, 256)
    assert view_input_shape(spec, 2, 4, 32) == (2, 20, 3, 32, 32)

    three_d = Config(
        dict(
            model=dict(type='Recognizer3D'),
            test_dataloader=dict(
                dataset=dict(
                    type='RepeatDataset',
                    dataset=dict(pipeline=[
                        dict(type='SampleFrames', clip_len=16, num_clips=10),
                        dict(type='Resize', scale=(160, 128),
                             keep_ratio=False)
                    ])))))
    spec = view_spec(three_d)
    assert spec['format'] == 'NCTHW'  # from the recognizer type
    assert spec['crop_size'] == (128, 160)  # (w, h) scale -> (h, w)
    assert view_input_shape(spec) == (1, 1, 3, 16, 128, 160)
    assert view_input_shape(spec, num_segments=4) == (1, 1, 3, 4, 128, 160)

    spec = view_spec(_cfg())
    assert (spec['num_clips'], spec['clip_len'], spec['crop_size'],
            spec['found']) == (1, 1, (224, 224), [])
