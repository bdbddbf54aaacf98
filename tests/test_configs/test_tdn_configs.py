# Copyright (c) OpenMMLab. All rights reserved.
"""Every TDN config loads, builds (pretrained=None) and follows the
published recipe; one runs a forward on a tiny input."""
import pytest
import torch

import mmtin  # noqa: F401
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmtin.apis import build_recognizer

init_default_scope('mmaction')

STH_FLIP = {86: 87, 87: 86, 93: 94, 94: 93, 166: 167, 167: 166}


def tdn_configs(repo_root):
    return sorted((repo_root / 'configs').glob('tdn_*.py'))


def _names(repo_root):
    return [p.name for p in tdn_configs(repo_root)]


def test_all_expected_configs_exist(repo_root):
    names = set(_names(repo_root))
    expected = {
        f'tdn_{arch}_{t}x_{data}.py'
        for arch, t, data in [('r50', 8, 'sthv1'), ('r50', 16, 'sthv1'),
                              ('r50', 8, 'sthv2'), ('r50', 16, 'sthv2'),
                              ('r101', 8, 'sthv2'), ('r101', 16, 'sthv2'),
                              ('r50', 8, 'kinetics400'),
                              ('r101', 8, 'kinetics400'),
                              ('r50', 16, 'ucf101'), ('r50', 16, 'hmdb51')]
    }
    assert expected <= names, expected - names


def _load(path):
    cfg = Config.fromfile(str(path))
    assert cfg.custom_imports == dict(imports=['mmtin'],
                                      allow_failed_imports=False)
    assert 'auto_scale_lr' in cfg
    return cfg


def _sampler(pipeline, type_name):
    found = [p for p in pipeline if p['type'] == type_name]
    assert len(found) == 1, f'{type_name} not in {pipeline}'
    return found[0]


def test_every_config_builds_and_is_consistent(repo_root):
    paths = tdn_configs(repo_root)
    assert len(paths) >= 10
    for path in paths:
        cfg = _load(path)
        name = path.name
        depth = 101 if '_r101_' in name else 50
        t_len = 16 if '_16x_' in name else 8
        bb, head = cfg.model.backbone, cfg.model.cls_head
        assert (bb.type, bb.depth, bb.num_segments) == ('TDNResNet', depth,
                                                        t_len), name
        assert head.type == 'TSMHead' and head.num_segments == t_len, name
        assert head.is_shift is False and head.average_clips == 'prob', name
        assert head.consensus == dict(type='AvgConsensus', dim=1), name
        train = cfg.train_dataloader.dataset.pipeline
        s = _sampler(train, 'SampleFrames')
        assert (s.clip_len, s.frame_interval, s.num_clips,
                s.out_of_bound_opt) == (5, 1, t_len, 'repeat_last'), name
        crop = _sampler(train, 'MultiScaleCrop')
        assert crop.num_fixed_crops == 13 and crop.max_wh_scale_gap == 1
        for loader in ('val_dataloader', 'test_dataloader'):
            s = _sampler(cfg[loader].dataset.pipeline, 'TDNSampleFrames')
            assert s.num_clips == t_len and s.test_mode, (name, loader)
        flip = _sampler(train, 'Flip')
        if '_sthv' in name:
            assert flip.flip_label_map == STH_FLIP, name
        else:
            assert flip.get('flip_label_map') is None, name
        # no parameter-wise lr / decay multipliers
        assert 'paramwise_cfg' not in cfg.optim_wrapper, name
        assert 'constructor' not in cfg.optim_wrapper, name
        assert cfg.optim_wrapper.clip_grad.max_norm == 20, name
        model = build_recognizer(cfg, init_weights=False)
        assert model.backbone.depth == depth
        assert model.cls_head.fc_cls.out_features == head.num_classes


@pytest.mark.parametrize('name,lr,wd,batch,epochs,steps,dropout', [
    ('tdn_r50_8x_sthv1.py', 0.01, 5e-4, 8, 60, [30, 45, 55], 0.5),
    ('tdn_r50_16x_sthv2.py', 0.01, 5e-4, 8, 60, [30, 45, 55], 0.5),
    ('tdn_r101_8x_kinetics400.py', 0.02, 1e-4, 16, 100, [50, 75, 90], 0.5),
    ('tdn_r50_16x_hmdb51.py', 0.002, 5e-4, 16, 25, [10, 20], 0.8),
])
def test_recipes(repo_root, name, lr, wd, batch, epochs, steps, dropout):
    cfg = _load(repo_root / 'configs' / name)
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == ('SGD', lr,
                                                                  0.9, wd)
    assert cfg.train_dataloader.batch_size == batch
    assert cfg.auto_scale_lr.base_batch_size == 8 * batch
    assert cfg.train_cfg.max_epochs == epochs
    (sched, ) = cfg.param_scheduler
    assert sched.type == 'MultiStepLR' and sched.milestones == steps
    assert sched.gamma == 0.1
    assert cfg.model.cls_head.dropout_ratio == dropout


def test_kinetics_and_finetune_test_protocol(repo_root):
    for name in ('tdn_r50_8x_kinetics400.py', 'tdn_r50_16x_ucf101.py'):
        cfg = _load(repo_root / 'configs' / name)
        test = cfg.test_dataloader.dataset.pipeline
        s = _sampler(test, 'TDNSampleFrames')
        assert (s.test_sampling, s.num_views) == ('random', 10)
        assert _sampler(test, 'ThreeCrop').crop_size == 256
    cfg = _load(repo_root / 'configs' / 'tdn_r50_16x_ucf101.py')
    assert cfg.load_from and cfg.model.backbone.pretrained is None
    cfg = _load(repo_root / 'configs' / 'tdn_r101_8x_sthv2_3crop.py')
    assert _sampler(cfg.test_dataloader.dataset.pipeline,
                    'ThreeCrop').crop_size == 256


def test_one_forward_tiny_input(repo_root):
    """sthv1 R50 8x: predict on uint8-range frames at 64x64 through the
    config's data preprocessor (normalisation) and the head."""
    from mmaction.structures import ActionDataSample
    cfg = _load(repo_root / 'configs' / 'tdn_r50_8x_sthv1.py')
    torch.manual_seed(0)
    model = build_recognizer(cfg)  # random init, eval mode
    frames = torch.randint(0, 256, (8 * 5, 3, 64, 64), dtype=torch.uint8)
    data = dict(inputs=[frames], data_samples=[ActionDataSample()])
    with torch.no_grad():
        (pred, ) = model.test_step(data)
    assert pred.pred_score.shape == (174, )
    assert torch.allclose(pred.pred_score.sum(), torch.tensor(1.0))


def _run_pipeline(pipeline_cfg, results):
    from mmaction.registry import TRANSFORMS
    for cfg in pipeline_cfg:
        results = TRANSFORMS.build(cfg)(results)
    return results


def test_pipelines_on_a_real_video(repo_root, video_dir):
    """sthv2 train pipeline and the K400 multi-view test pipeline (10 views
    cut to 2 here) produce the layout the backbone expects."""
    video = dict(filename=str(video_dir / 'test.mp4'), label=3,
                 start_index=0, modality='RGB')
    cfg = _load(repo_root / 'configs' / 'tdn_r50_8x_sthv2.py')
    packed = _run_pipeline(cfg.train_dataloader.dataset.pipeline,
                           dict(video))
    assert packed['inputs'].shape == (8 * 5, 3, 224, 224)
    cfg = _load(repo_root / 'configs' / 'tdn_r50_8x_kinetics400.py')
    test = cfg.test_dataloader.dataset.pipeline
    _sampler(test, 'TDNSampleFrames').num_views = 2
    packed = _run_pipeline(test, dict(video))
    # 3 crops x 2 views x 8 segments x 5 frames
    assert packed['inputs'].shape == (3 * 2 * 8 * 5, 3, 256, 256)
