# Copyright (c) OpenMMLab. All rights reserved.
"""The MoViNet configs load, carry the published recipe, build, and the
A0-Stream config runs its own test pipeline on a real video."""
import pytest
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401

ARCHS = ('a0', 'a1', 'a2', 'a3', 'a4', 'a5')
NAMES = [f'movinet_{a}_{v}_k600' for a in ARCHS for v in ('base', 'stream')]
NAMES += ['movinet_a0_base_k400', 'movinet_a5_base_k400']
PROJECT = dict(a0=480, a1=600, a2=640, a3=744, a4=856, a5=992)
# published K600 / K400 top-1 (seed_systems.md section 5)
TOP1 = dict(
    movinet_a0_base_k600=72.28, movinet_a1_base_k600=76.69,
    movinet_a2_base_k600=78.62, movinet_a3_base_k600=81.79,
    movinet_a4_base_k600=83.48, movinet_a5_base_k600=84.27,
    movinet_a0_stream_k600=72.05, movinet_a1_stream_k600=76.45,
    movinet_a2_stream_k600=78.40, movinet_a3_stream_k600=80.09,
    movinet_a4_stream_k600=81.49, movinet_a5_stream_k600=82.37,
    movinet_a0_base_k400=69.40, movinet_a5_base_k400=81.39)
# (train frames, stride, test frames, crop) of the published inputs
INPUT = dict(a0=(50, 5, 50, 172), a1=(50, 5, 50, 172),
             a2=(50, 5, 50, 224), a3=(64, 2, 120, 256),
             a4=(32, 3, 80, 290), a5=(32, 2, 120, 320))


def _load(repo_root, name):
    return Config.fromfile(str(repo_root / 'configs' / f'{name}.py'))


def _step(pipeline, type_name):
    return next(s for s in pipeline if s['type'] == type_name)


@pytest.mark.parametrize('name', NAMES)
def test_config_recipe(repo_root, name):
    cfg = _load(repo_root, name)
    arch, variant, dataset = name.split('_')[1:]
    assert cfg.custom_imports == dict(
        imports=['mmtin'], allow_failed_imports=False)
    assert cfg.auto_scale_lr.base_batch_size == 8 * cfg.train_dataloader.\
        batch_size
    # lr scaled linearly from the published 1.8 at batch 1024
    assert cfg.optim_wrapper.optimizer.lr == pytest.approx(
        1.8 * cfg.auto_scale_lr.base_batch_size / 1024)
    assert cfg.optim_wrapper.optimizer.type == 'RMSprop'
    assert cfg.optim_wrapper.clip_grad.max_norm == 1.0
    assert cfg.train_cfg.max_epochs == 240
    assert cfg.zoo_info.published_top1 == TOP1[name]
    model = cfg.model
    backbone, head = model.backbone, model.cls_head
    assert backbone.arch == arch and backbone.drop_path_rate == 0.2
    assert head.in_channels == PROJECT[arch]
    assert head.label_smooth_eps == 0.1
    assert head.dropout_ratio == (0.2 if arch == 'a0' else 0.5)
    assert head.num_classes == (600 if dataset == 'k600' else 400)
    stream = variant == 'stream'
    assert backbone.causal is stream
    assert model.type == ('MoViNetStreamRecognizer'
                          if stream else 'Recognizer3D')
    if stream:
        assert backbone.conv_type == '2plus1d'
        assert backbone.se_type == '2plus3d'
        assert backbone.act_cfg.type == 'HSwish'
        assert backbone.gate_cfg.type == 'HSigmoid'
        assert backbone.use_pos_encoding is (arch in ('a3', 'a4', 'a5'))
        assert model.test_cfg.chunk_size >= 1
    train_t, stride, test_t, crop = INPUT[arch]
    if name == 'movinet_a5_stream_k600':
        test_t = 115  # published: 120 ran out of memory
    train = cfg.train_dataloader.dataset.pipeline
    test = cfg.test_dataloader.dataset.pipeline
    assert (_step(train, 'SampleFrames').clip_len,
            _step(train, 'SampleFrames').frame_interval) == (train_t, stride)
    assert _step(train, 'RandomResizedCrop').area_range == (0.08, 1.0)
    assert _step(test, 'SampleFrames').clip_len == test_t
    assert _step(test, 'CenterCrop').crop_size == crop
    assert f'kinetics{dataset[1:]}' in cfg.train_dataloader.dataset.ann_file
    for step in train + test:
        TRANSFORMS.get(step['type'])  # every transform type exists


@pytest.mark.parametrize('arch', ARCHS)
def test_configs_build(repo_root, arch):
    init_default_scope('mmaction')
    for variant in ('base', 'stream'):
        cfg = _load(repo_root, f'movinet_{arch}_{variant}_k600')
        model = MODELS.build(cfg.model)
        assert model.backbone.out_channels == cfg.model.cls_head.in_channels


def test_a0_stream_config_on_real_video(repo_root, video_dir):
    """The config's own test pipeline on demo.mp4, then chunked predict
    (random init: plumbing only)."""
    init_default_scope('mmaction')
    cfg = _load(repo_root, 'movinet_a0_stream_k600')
    pipeline = Compose(cfg.test_dataloader.dataset.pipeline)
    data = pipeline(
        dict(filename=str(video_dir / 'demo.mp4'), label=-1, start_index=0,
             modality='RGB'))
    assert data['inputs'].shape == (1, 3, 50, 172, 172)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.eval()
    with torch.no_grad():
        out = model.test_step(pseudo_collate([data]))
    score = out[0].pred_score
    assert score.shape == (600, )
    assert torch.isfinite(score).all()
    assert score.sum().item() == pytest.approx(1.0, abs=1e-4)
