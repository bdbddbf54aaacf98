# Copyright (c) OpenMMLab. All rights reserved.
"""``mmtin.apis.inference``: a stock 25-clip TenCrop ``test_pipeline``
under a temporal model is named with its fix; the single-view pipeline
runs."""
import pytest
from mmengine.config import Config

import mmtin  # noqa: F401
from mmaction.apis import init_recognizer
from mmtin.apis.inference import (inference_recognizer,
                                   pipeline_view_problems,
                                   single_view_pipeline)

STOCK_TEST_PIPELINE = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=25,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 40)),
    dict(type='TenCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]


@pytest.fixture(scope='module')
def model(repo_root):
    cfg = Config.fromfile(str(repo_root / 'configs/demo/tin_r18_demo.py'))
    cfg.test_pipeline = STOCK_TEST_PIPELINE  # as a stock TSN base has
    return init_recognizer(cfg, None, device='cpu')


def test_problem_names_test_pipeline(model):
    num_segments = model.cfg.model.backbone.num_segments
    assert num_segments == 8
    problems = pipeline_view_problems(model.cfg)
    assert problems == [
        'test_pipeline[1].num_clips gives 25 segments per sample, not a '
        'multiple of model.backbone.num_segments (8)'
    ]
    ok = [dict(s, num_clips=24) if s['type'] == 'SampleFrames' else s
          for s in STOCK_TEST_PIPELINE]
    assert pipeline_view_problems(model.cfg, ok) == []


def test_single_view_pipeline(model):
    pipeline = single_view_pipeline(model.cfg)
    assert pipeline[1] == dict(type='SampleFrames', clip_len=1,
                               frame_interval=1, num_clips=8, test_mode=True)
    assert pipeline[4] == dict(type='CenterCrop', crop_size=32)
    assert [s['type'] for i, s in enumerate(pipeline) if i not in (1, 4)] \
        == [s['type'] for i, s in enumerate(STOCK_TEST_PIPELINE)
            if i not in (1, 4)]
    assert model.cfg.test_pipeline[1]['num_clips'] == 25  # not changed


def test_inference(model, video_dir):
    video = str(video_dir / 'test.mp4')
    with pytest.raises(ValueError) as info:
        inference_recognizer(model, video)
    msg = str(info.value)
    assert 'test_pipeline[1].num_clips gives 25 segments' in msg
    assert 'single_view_pipeline(model.cfg)' in msg
    result = inference_recognizer(
        model, video, test_pipeline=single_view_pipeline(model.cfg))
    num_classes = model.cfg.model.cls_head.num_classes
    assert tuple(result.pred_score.shape) == (num_classes, )
    assert abs(float(result.pred_score.sum()) - 1) < 1e-4  # probabilities
