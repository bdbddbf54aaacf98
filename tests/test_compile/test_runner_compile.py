# Copyright (c) OpenMMLab. All rights reserved.
"""MMEngine's ``compile=True`` as users turn it on: the runner compiles
``train_step`` (inductor on the CPU), trains, then tests."""
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.runner import Runner
from torch.utils.data import DataLoader

import mmtin  # noqa: F401
from export_tiny_configs import TINY

pytestmark = pytest.mark.slow


def _loader(n=2):
    torch.manual_seed(0)
    items = [
        dict(inputs=torch.rand(2, 3, 32, 32) * 255,
             data_samples=ActionDataSample().set_gt_label(i % 5))
        for i in range(n)
    ]
    return DataLoader(items, batch_size=n, collate_fn=pseudo_collate)


def test_runner_compile_true_trains_and_tests_tin(tmp_path):
    model = Config.fromstring(TINY['tin'][0], '.py').model.to_dict()
    # one residual stage (two TIN blocks): compiling forward + backward of
    # the whole ResNet-18 takes minutes on a CPU
    model['backbone'].update(pretrained=None, num_stages=1,
                             out_indices=(0, ), strides=(1, ),
                             dilations=(1, ))
    model['cls_head']['in_channels'] = 64
    runner = Runner(
        model=model,
        work_dir=str(tmp_path),
        train_dataloader=_loader(),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=1,
                       val_interval=10),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        test_dataloader=_loader(),
        test_cfg=dict(type='TestLoop'),
        test_evaluator=dict(type='AccMetric'),
        default_scope='mmaction',
        default_hooks=dict(checkpoint=None, logger=None),
        cfg=dict(compile=True))
    before = {k: v.clone() for k, v in runner.model.state_dict().items()}
    runner.train()
    # MMEngine replaced the model's train_step by the compiled one
    assert 'train_step' in vars(runner.model)
    after = runner.model.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before
               if after[k].is_floating_point())
    metrics = runner.test()
    assert 'acc/top1' in metrics
