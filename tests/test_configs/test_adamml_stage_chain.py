# Copyright (c) OpenMMLab. All rights reserved.
"""The three AdaMML demo stages train from their configs on a tiny
generated dataset: the warm-up pre-trains the policy's backbones, the joint
stage starts from them, and the fine-tuning stage (FreezeSubmodulesHook)
leaves every policy parameter and buffer unchanged."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmtin.datasets.synthetic.audio_visual import \
    generate_audio_visual_dataset
from mmtin.utils import replace_data_root, set_max_epochs


CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs' / 'adamml'


def _stage_cfg(name, data, work_dir, load_from):
    """The committed stage config, on ``data``, 1 epoch, no validation."""
    cfg = Config.fromfile(CONFIG_DIR / f'adamml_demo_{name}.py')
    replace_data_root(cfg, data)
    set_max_epochs(cfg, 1)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.work_dir, cfg.load_from = work_dir, load_from
    cfg.randomness = dict(seed=0)
    cfg.log_level = 'WARNING'
    return cfg


def _policy_state(ckpt):
    state = torch.load(ckpt, map_location='cpu', weights_only=False)
    return {k: v for k, v in state['state_dict'].items()
            if k.startswith('policy.')}


@pytest.mark.slow
def test_warmup_joint_finetune_chain(tmp_path):
    torch.set_num_threads(1)
    data = str(tmp_path / 'data')
    generate_audio_visual_dataset(data, num_per_class=3, frames=8, seed=0)
    ckpt, states, losses = None, {}, {}
    for name in ('warmup', 'joint', 'finetune'):
        cfg = _stage_cfg(name, data, str(tmp_path / name), ckpt)
        cfg.train_dataloader.num_workers = 0
        cfg.train_dataloader.persistent_workers = False
        runner = Runner.from_cfg(cfg)
        runner.train()
        losses[name] = set(runner.message_hub.log_scalars)
        ckpt = str(tmp_path / name / 'epoch_1.pth')
        states[name] = _policy_state(ckpt)
    # the warm-up trained the policy's backbones through the probes, with
    # every modality kept and no efficiency loss ...
    assert 'train/loss_policy_rgb' in losses['warmup']
    assert 'train/loss_usage' not in losses['warmup']
    assert 'policy.probes.audio.weight' in states['warmup']
    # ... the joint stage trained the decisions with the efficiency loss
    assert 'train/loss_usage' in losses['joint']
    assert 'train/loss_policy_rgb' not in losses['joint']
    assert not torch.equal(states['joint']['policy.fcs.0.weight'],
                           states['warmup']['policy.fcs.0.weight'])
    # the fine-tuning stage froze the policy (weights and BN statistics)
    # and added no efficiency loss
    assert 'train/loss_usage' not in losses['finetune']
    for k, v in states['joint'].items():
        assert torch.equal(states['finetune'][k], v), k
