# Copyright (c) OpenMMLab. All rights reserved.
"""Every configs/tin_*.py loads, builds (pretrained=None) and has sane
data pipelines; real data flows through the sthv1/sthv2/jester raw-frame
and the video datasets."""
import copy

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmaction.registry import DATASETS, TRANSFORMS
from mmtin.apis import build_recognizer

CONFIGS = {
    'tin_r50_8x_sthv1.py': ('sthv1', 174, False),
    'tin_r50_8x_sthv2.py': ('sthv2', 174, False),
    'tin_r50_8x_jester.py': ('jester', 27, False),
    'tin_r50_8x_kinetics400.py': ('kinetics400', 400, True),
    'tin_r50_8x_ucf101.py': ('ucf101', 101, True),
    'tin_r50_8x_hmdb51.py': ('hmdb51', 51, True),
}
# spec tin.md: R50 trunk 23,508,032 + 16 TIN modules 31,008 + fc (2048 + 1)
TRUNK_AND_TIN = 23508032 + 31008


def _load(repo_root, name):
    init_default_scope('mmaction')
    return Config.fromfile(str(repo_root / 'configs' / name))


def test_all_tin_configs_are_listed(repo_root):
    found = {p.name for p in (repo_root / 'configs').glob('tin_*.py')}
    assert found == set(CONFIGS)


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_config_builds_and_is_sane(repo_root, name):
    dataset, classes, flip = CONFIGS[name]
    cfg = _load(repo_root, name)
    assert cfg.custom_imports == dict(
        imports=['mmtin'], allow_failed_imports=False)
    assert cfg.auto_scale_lr.base_batch_size == 48  # 8 GPUs x 6 clips
    assert cfg.default_scope == 'mmaction'
    assert cfg.optim_wrapper.constructor == 'TSMOptimWrapperConstructor'
    assert cfg.optim_wrapper.paramwise_cfg.fc_lr5
    assert cfg.zoo_info.dataset == dataset
    assert dataset in cfg.train_dataloader.dataset.ann_file

    backbone = cfg.model.backbone
    assert backbone.type == 'TINResNet' and backbone.shift_div == 4
    segments = backbone.num_segments
    assert cfg.model.cls_head.num_segments == segments == 8
    assert cfg.model.cls_head.num_classes == classes
    for loader, test_mode in ((cfg.train_dataloader, False),
                              (cfg.val_dataloader, True),
                              (cfg.test_dataloader, True)):
        pipeline = loader.dataset.pipeline
        sample = pipeline[[t.type for t in pipeline].index('SampleFrames')]
        assert sample.num_clips == segments and sample.clip_len == 1
        assert sample.get('test_mode', False) == test_mode
        for step in pipeline:
            assert TRANSFORMS.get(step.type) is not None, step.type
        assert DATASETS.get(loader.dataset.type) is not None
        has_flip = any(t.type == 'Flip' for t in pipeline)
        assert has_flip == (flip and not test_mode)
    assert cfg.test_dataloader.batch_size == 1

    model = build_recognizer(cfg, init_weights=False)
    params = sum(p.numel() for p in model.parameters())
    assert params == TRUNK_AND_TIN + 2049 * classes
    if dataset == 'sthv1':
        assert params == 23895566  # MMAction2 metafile
    if dataset == 'kinetics400':
        assert params == 24358640  # MMAction2 metafile


def _write_frames(frame_dir, template, count=10):
    frame_dir.mkdir(parents=True)
    for i in range(1, count + 1):
        img = np.full((64, 80, 3), i * 20, dtype=np.uint8)
        cv2.imwrite(str(frame_dir / template.format(i)), img)


# frame file names of the 20BN releases as extracted by MMAction2's tools
@pytest.mark.parametrize('name,template', [
    ('tin_r50_8x_sthv1.py', '{:05}.jpg'),
    ('tin_r50_8x_sthv2.py', 'img_{:05}.jpg'),
    ('tin_r50_8x_jester.py', '{:05}.jpg'),
])
def test_rawframe_datasets_read_frames(tmp_path, repo_root, name, template):
    cfg = _load(repo_root, name)
    _write_frames(tmp_path / 'clip0', template)
    ann = tmp_path / 'ann.txt'
    ann.write_text('clip0 10 3\n')
    for loader in (cfg.train_dataloader, cfg.test_dataloader):
        ds_cfg = copy.deepcopy(loader.dataset)
        ds_cfg.update(ann_file=str(ann), data_prefix=dict(img=str(tmp_path)))
        data = DATASETS.build(ds_cfg)[0]
        assert tuple(data['inputs'].shape) == (8, 3, 224, 224)
        assert int(data['data_samples'].gt_label) == 3


@pytest.mark.parametrize('name', [
    'tin_r50_8x_kinetics400.py', 'tin_r50_8x_ucf101.py',
    'tin_r50_8x_hmdb51.py'
])
def test_video_datasets_read_videos(tmp_path, repo_root, video_dir, name):
    cfg = _load(repo_root, name)
    ann = tmp_path / 'ann.txt'
    ann.write_text('test.mp4 1\n')
    for loader in (cfg.train_dataloader, cfg.test_dataloader):
        ds_cfg = copy.deepcopy(loader.dataset)
        ds_cfg.update(
            ann_file=str(ann), data_prefix=dict(video=str(video_dir)))
        data = DATASETS.build(ds_cfg)[0]
        assert tuple(data['inputs'].shape) == (8, 3, 224, 224)
