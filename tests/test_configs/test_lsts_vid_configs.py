# Copyright (c) OpenMMLab. All rights reserved.
"""configs/lsts_vid/*: every config builds (pretrained=None); the demo trio
differs only in keyframe_interval / alignment and runs; the ImageNet VID
configs keep the paper's recipe; a 2-iteration Runner train + test on
generated data (slow)."""
import copy

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.utils import disable_pretrained

DEMO = ('lsts_r18_vid_objects.py', 'copy_r18_vid_objects.py',
        'perframe_r18_vid_objects.py')
VID = ('lsts_r50_imagenet_vid.py', 'lsts_r101_imagenet_vid.py',
       'perframe_r101_imagenet_vid.py')


def _load(repo_root, name):
    init_default_scope('mmaction')
    return Config.fromfile(str(repo_root / 'configs' / 'lsts_vid' / name))


def test_all_configs_are_listed(repo_root):
    found = {p.name for p in (repo_root / 'configs' / 'lsts_vid').glob(
        '*.py') if not p.name.startswith('_')}
    assert found == set(DEMO + VID)


@pytest.mark.parametrize('name', DEMO)
def test_demo_config_builds_and_predicts(repo_root, name):
    cfg = _load(repo_root, name)
    model = MODELS.build(cfg.model.to_dict())
    model.init_weights()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    offsets = [m.offsets for m in model.modules() if hasattr(m, 'offsets')]
    assert len(offsets) == (2 if name.startswith('lsts') else 0)
    for group in optim.optimizer.param_groups:
        if any(p is o for p in group['params'] for o in offsets):
            assert group['lr'] == pytest.approx(2e-2)
            assert group['weight_decay'] == 0
    model.eval()
    with torch.no_grad():
        out = model.predict(torch.randn(1, 5, 3, 64, 64))
    assert len(out[0].pred_instances) == 5


def test_demo_trio_differs_only_in_propagation(repo_root):
    models = {n: _load(repo_root, n).model for n in DEMO}
    settings = {n: (m.pop('keyframe_interval'), m.pop('alignment'))
                for n, m in models.items()}
    assert settings == {DEMO[0]: (6, 'lsts'), DEMO[1]: (6, 'copy'),
                        DEMO[2]: (1, 'lsts')}
    assert models[DEMO[0]] == models[DEMO[1]] == models[DEMO[2]]


@pytest.mark.parametrize('name', VID)
def test_imagenet_vid_configs_keep_the_recipe(repo_root, name):
    cfg = _load(repo_root, name)
    model_cfg = copy.deepcopy(cfg.model.to_dict())
    depth = 50 if 'r50' in name else 101
    assert model_cfg['backbone']['depth'] == depth
    assert model_cfg['backbone']['init_cfg']['checkpoint'] == \
        f'torchvision://resnet{depth}'
    assert disable_pretrained(model_cfg)
    assert cfg.model.keyframe_interval == (1 if 'perframe' in name else 10)
    assert cfg.model.srfu_align.num_offsets == 81
    assert cfg.model.srfu_align.offset_init == 'grid'
    assert cfg.optim_wrapper.optimizer.lr == 2.5e-4
    assert cfg.optim_wrapper.paramwise_cfg.custom_keys['.offsets'][
        'lr_mult'] == 1e4
    assert cfg.param_scheduler[0].begin == 2.33 and cfg.max_epochs == 4
    assert cfg.train_dataloader.dataset.pipeline[0].scale == (600, 1000)
    assert cfg.model.roi_head.num_classes == 30
    if depth == 50:  # building ResNet-101 is slow for a unit test
        model = MODELS.build(model_cfg)
        assert model.low2high.layers[-1].conv.out_channels == 2048


@pytest.mark.slow
@pytest.mark.parametrize('name', DEMO)
def test_runner_trains_and_tests_two_iterations(repo_root, tmp_path, name):
    from mmengine.runner import Runner

    from mmtin.datasets.synthetic import generate_vid_objects_dataset
    data = tmp_path / 'data'
    generate_vid_objects_dataset(str(data), num_videos=(2, 1), frames=8,
                                 size=64, seed=1)
    cfg = _load(repo_root, name)
    cfg.work_dir = str(tmp_path / 'work')
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.data_root = str(data)
        cfg[key].num_workers = 0
        cfg[key].persistent_workers = False
    cfg.val_dataloader.dataset.clip_len = 8
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2,
                         val_interval=2)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=2,
                                        by_epoch=False)
    cfg.log_processor.by_epoch = False
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    assert {'vid/mAP', 'vid/mAP_50'} <= set(metrics)
    assert 0 <= metrics['vid/mAP_50'] <= 1
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()
