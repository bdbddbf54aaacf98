# Copyright (c) OpenMMLab. All rights reserved.
"""The CVRL demo configs: pre-training (and its per-frame control), linear
evaluation and fine-tuning; a 2-iteration pre-training run whose backbone
the linear evaluation loads and keeps frozen."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.datasets.synthetic import generate_demo_dataset

init_default_scope('mmaction')
CVRL_DIR = 'configs/cvrl'


def _load(repo_root, name):
    return Config.fromfile(str(repo_root / CVRL_DIR / f'{name}.py'))


def _augment(cfg):
    return next(t for t in cfg.train_pipeline
                if t['type'] == 'ClipwiseAugment')


def test_pretrain_and_control_differ_only_in_the_augmentation_unit(
        repo_root):
    pre = _load(repo_root, 'cvrl_rs50w8_demo_pretrain')
    ctrl = _load(repo_root, 'cvrl_rs50w8_demo_pretrain_per_frame')
    assert (_augment(pre)['unit'], _augment(ctrl)['unit']) == ('clip',
                                                              'frame')
    assert _augment(pre)['transforms'] == _augment(ctrl)['transforms']
    assert pre.model == ctrl.model and pre.optim_wrapper == \
        ctrl.optim_wrapper
    for cfg in (pre, ctrl):
        assert cfg.train_pipeline[1]['type'] == 'SampleClipPair'
    model = MODELS.build(pre.model)
    assert type(model).__name__ == 'CVRL'


@pytest.mark.parametrize('name, frozen', [('cvrl_rs50w8_demo_linear', True),
                                          ('cvrl_rs50w8_demo_finetune',
                                           False)])
def test_eval_configs(repo_root, name, frozen):
    cfg = _load(repo_root, name)
    pre = _load(repo_root, 'cvrl_rs50w8_demo_pretrain')
    assert cfg.model.backbone == pre.model.backbone
    assert cfg.load_from.startswith('work_dirs/cvrl_rs50w8_demo_pretrain/')
    hooks = [h for h in cfg.custom_hooks
             if h['type'] == 'FreezeSubmodulesHook']
    assert bool(hooks) == frozen
    if frozen:
        assert hooks[0]['modules'] == ['backbone']
    model = MODELS.build(cfg.model)
    model.init_weights()
    feats = model.backbone(torch.rand(1, 3, 8, 32, 32))
    assert feats.shape[1] == model.cls_head.in_channels
    assert model.cls_head.num_classes == 2
    if frozen:  # a linear probe: parameter-free BN on the pooled features
        assert cfg.model.cls_head.type == 'LinearProbeHead'
        assert not model.cls_head.norm.affine
        assert cfg.optim_wrapper.optimizer.type == 'SGD'


@pytest.fixture(scope='module')
def tiny_demo(tmp_path_factory):
    root = tmp_path_factory.mktemp('demo')
    generate_demo_dataset(str(root), num_videos=8, frames=16, size=32,
                          val_ratio=0.25, test_ratio=0.25)
    return str(root)


def _tiny(cfg, data_root, work_dir):
    cfg.work_dir = work_dir
    cfg.log_level = 'WARNING'
    cfg.experiment_name = osp.basename(work_dir)
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(
        type='AtomicCheckpointHook', interval=2, by_epoch=False,
        save_best=None)
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.test_dataloader = cfg.test_cfg = cfg.test_evaluator = None
    loader = cfg.train_dataloader
    loader.batch_size = 2
    loader.num_workers = 0
    loader.persistent_workers = False
    loader.dataset.ann_file = osp.join(data_root, 'train.txt')
    loader.dataset.data_prefix.video = data_root
    return cfg


@pytest.mark.slow
def test_pretrain_two_iterations_then_frozen_linear_eval(
        repo_root, tiny_demo, tmp_path):
    torch.manual_seed(0)
    pre = _tiny(_load(repo_root, 'cvrl_rs50w8_demo_pretrain'), tiny_demo,
                str(tmp_path / 'pre'))
    runner = Runner.from_cfg(pre)
    runner.train()
    assert runner.iter == 2
    ckpt = osp.join(pre.work_dir, 'iter_2.pth')
    state = torch.load(ckpt, map_location='cpu',
                       weights_only=False)['state_dict']
    assert int(state['queue_ptr']) == 0  # queue_len=0: no queue
    lin = _tiny(_load(repo_root, 'cvrl_rs50w8_demo_linear'), tiny_demo,
                str(tmp_path / 'lin'))
    lin.load_from = ckpt
    runner = Runner.from_cfg(lin)
    runner.train()
    model = runner.model
    for key, value in model.backbone.state_dict().items():
        torch.testing.assert_close(value, state['backbone.' + key],
                                   msg=f'backbone.{key} moved')
    head = torch.load(osp.join(lin.work_dir, 'iter_2.pth'),
                      map_location='cpu', weights_only=False)['state_dict']
    assert 'cls_head.fc_cls.weight' in head
    # the frozen backbone's BN kept its statistics; the probe's BN did not
    assert not model.backbone.training
    assert head['cls_head.norm.running_var'].ne(1).any()
