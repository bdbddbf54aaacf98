# Copyright (c) OpenMMLab. All rights reserved.
"""``mmtin.apis.inference``: a stock 25-clip TenCrop ``test_pipeline``
under a temporal model is named with its fix; one view (one clip, one crop,
every family) is the default; a config path loads its checkpoint
strictly."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

import mmtin  # noqa: F401
from mmaction.apis import init_recognizer
from mmtin.apis.inference import (inference_recognizer,
                                   pipeline_view_problems, pipeline_views,
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
        inference_recognizer(model, video, views='config')
    msg = str(info.value)
    assert 'test_pipeline[1].num_clips gives 25 segments' in msg
    assert "views='single'" in msg
    with pytest.raises(ValueError, match="views must be one of"):
        inference_recognizer(model, video, views='all')
    result = inference_recognizer(model, video)  # one view by default
    num_classes = model.cfg.model.cls_head.num_classes
    assert tuple(result.pred_score.shape) == (num_classes, )
    assert abs(float(result.pred_score.sum()) - 1) < 1e-4  # probabilities


TOP_LEVEL_CONFIGS = sorted(
    p.name for p in (Path(__file__).resolve().parents[2] / 'configs').glob(
        '*.py'))


@pytest.mark.parametrize('name', TOP_LEVEL_CONFIGS)
def test_single_view_is_one_clip_one_crop_for_every_family(repo_root, name):
    cfg = Config.fromfile(str(repo_root / 'configs' / name))
    pipeline = single_view_pipeline(cfg)
    assert pipeline_views(cfg, pipeline) == 1, pipeline
    assert not [s for s in pipeline if 'Crop' in s['type']
                and s['type'].split('.')[-1] in ('ThreeCrop', 'TenCrop')]
    assert pipeline_view_problems(cfg, pipeline) == []


def test_tdn_kinetics_single_view_input(repo_root, video_dir):
    """TDN's Kinetics config kept num_views=10 in 'single' view: an input
    of 400x3x256x256 per video (10 clips x 3 crops x 8 segments x 5)."""
    from mmengine.dataset import Compose
    from mmengine.registry import init_default_scope
    cfg = Config.fromfile(str(repo_root /
                              'configs/tdn_r50_8x_kinetics400.py'))
    assert pipeline_views(cfg) == 30  # the published protocol, kept
    pipeline = single_view_pipeline(cfg)
    assert pipeline[1]['num_views'] == 1
    assert pipeline[1]['test_sampling'] == 'center'
    init_default_scope('mmaction')
    out = Compose(pipeline)(dict(filename=str(video_dir / 'test.mp4'),
                                 label=-1, start_index=0, modality='RGB'))
    assert tuple(out['inputs'].shape) == (8 * 5, 3, 256, 256)


def test_inference_from_a_config_path_is_strict(repo_root, video_dir,
                                                tmp_path):
    from mmtin.apis import CheckpointMismatchError, build_recognizer
    tsn = build_recognizer(str(repo_root / 'configs/demo/tsn_r18_demo.py'),
                           init_weights=False)
    torch.save(dict(state_dict=tsn.state_dict()), tmp_path / 'tsn.pth')
    tin = str(repo_root / 'configs/demo/tin_r18_demo.py')
    video = str(video_dir / 'test.mp4')
    with pytest.raises(CheckpointMismatchError, match='missing key'):
        inference_recognizer(tin, video, checkpoint=str(tmp_path / 'tsn.pth'))
    result = inference_recognizer(tin, video)  # random init, one view
    assert result.pred_score.ndim == 1
