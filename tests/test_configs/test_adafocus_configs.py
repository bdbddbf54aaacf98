# Copyright (c) OpenMMLab. All rights reserved.
"""configs/adafocus: the demo stages chain and each runs one iteration;
the published-setting configs build (pretrained=None)."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.datasets.synthetic.small_object import \
    generate_small_object_dataset
from mmtin.utils.config_walker import disable_pretrained

STAGES = ('adafocus_demo_stage0_focuser.py',
          'adafocus_demo_stage1_random.py', 'adafocus_v2_demo_stage2_joint.py',
          'adafocus_v1_demo_stage2_ppo.py',
          'adafocus_v1_demo_stage3_finetune.py',
          'plain_r18_fullframe_demo.py')


@pytest.fixture(scope='module')
def tiny_data(tmp_path_factory):
    root = tmp_path_factory.mktemp('small_object')
    generate_small_object_dataset(str(root), num_videos=8, frames=4,
                                  size=96, val_ratio=0.25, test_ratio=0.25)
    return str(root)


def _cfg(repo_root, name, data_root, work_dir, load_from=None,
         focuser_from=None):
    cfg = Config.fromfile(str(repo_root / 'configs' / 'adafocus' / name))
    cfg.work_dir = work_dir
    cfg.log_level = 'WARNING'
    cfg.experiment_name = osp.basename(work_dir)
    cfg.train_cfg.max_epochs = 1
    cfg.param_scheduler = []
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.save_best = None
    for key in ('train_dataloader', 'test_dataloader'):
        loader = cfg[key]
        loader.batch_size = 4
        loader.num_workers = 0
        loader.persistent_workers = False
        loader.dataset.ann_file = loader.dataset.ann_file.replace(
            cfg.data_root, data_root)
        loader.dataset.data_prefix.video = data_root
    if load_from is not None:
        cfg.load_from = load_from
    if focuser_from is not None:
        cfg.model.focuser.init_cfg.checkpoint = focuser_from
    return cfg


def _state(path):
    return torch.load(path, map_location='cpu',
                      weights_only=False)['state_dict']


def _changed(before, after):
    """Top-level modules with a tensor that differs between two states."""
    return {k.split('.')[0] for k in before
            if k in after and not torch.equal(before[k], after[k])}


@pytest.mark.slow
def test_stages_chain_and_run_one_iteration(repo_root, tiny_data, tmp_path):
    torch.manual_seed(0)

    def run(name, load_from=None, focuser_from=None):
        cfg = _cfg(repo_root, name, tiny_data, str(tmp_path / name[:-3]),
                   load_from, focuser_from)
        runner = Runner.from_cfg(cfg)
        runner.train()
        assert runner.iter == 1
        metrics = runner.test()
        return _state(osp.join(cfg.work_dir, 'epoch_1.pth')), metrics

    # stage 0: the focuser backbone on whole frames (the plain model)
    stage0, _ = run(STAGES[0])
    # stage 1 starts its focuser from the stage-0 backbone
    cfg = _cfg(repo_root, STAGES[1], tiny_data, str(tmp_path / 'x'),
               focuser_from=_path(tmp_path, STAGES[0]))
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    model.init_weights()
    for key, value in model.focuser.state_dict().items():
        torch.testing.assert_close(value, stage0['backbone.' + key])
    stage1, metrics = run(STAGES[1],
                          focuser_from=_path(tmp_path, STAGES[0]))
    assert metrics['usage/frames'] == 4
    assert metrics['gflops'] > 0
    # V2 joint: every part learns, starting from stage 1
    v2, _ = run(STAGES[2], _path(tmp_path, STAGES[1]))
    assert {'glancer', 'focuser', 'policy', 'cls_head'} <= _changed(
        stage1, v2)
    # V1 PPO: only the policy changes
    ppo, _ = run(STAGES[3], _path(tmp_path, STAGES[1]))
    assert _changed(stage1, ppo) == {'policy'}
    # stage 3: policy and glancer frozen, focuser and classifier learn
    stage3, _ = run(STAGES[4], _path(tmp_path, STAGES[3]))
    assert _changed(ppo, stage3) == {'focuser', 'cls_head'}
    # the plain model of the evidence
    run(STAGES[5])


def _path(tmp_path, name):
    return str(tmp_path / name[:-3] / 'epoch_1.pth')


@pytest.mark.parametrize('name, segments, patch, focuser', [
    ('adafocus_mnv2_r50_p128_16x_activitynet.py', 16, 128, 'ResNet'),
    ('adafocus_tsm_mnv2_r50_p144_12x_sthv1.py', 12, 144, 'ResNetTSM'),
])
def test_published_configs_build(repo_root, name, segments, patch, focuser):
    init_default_scope('mmaction')
    cfg = Config.fromfile(str(repo_root / 'configs' / 'adafocus' / name))
    model_cfg = cfg.model.to_dict()
    assert model_cfg['glancer']['pretrained'].startswith('https://')
    assert model_cfg['focuser']['pretrained'] == 'torchvision://resnet50'
    changed = disable_pretrained(model_cfg)
    assert 'glancer.pretrained' in changed
    assert 'focuser.pretrained' in changed
    model = MODELS.build(model_cfg)
    assert model.num_segments == segments and model.patch_size == patch
    assert type(model.focuser).__name__ == focuser
    assert model.policy.action_dim == 49
    assert model.policy.ppo_cfg['gamma'] == 0.7
    for split in ('train', 'test'):
        sample = [t for t in cfg[f'{split}_dataloader'].dataset.pipeline
                  if t['type'] == 'SampleFrames'][0]
        assert sample['num_clips'] == segments
