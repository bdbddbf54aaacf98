# Copyright (c) OpenMMLab. All rights reserved.
"""Runner checkpoints (HistoryBuffer, numpy scalars in ``message_hub``) load
under torch >= 2.6 weights-only loading after ``import mmtin``, while
weights-only loading stays on for everything else."""
import pickle

import pytest
import torch

from mmtin.compat import checkpoint_globals

from ._subproc import run_python

pytestmark = pytest.mark.skipif(
    not hasattr(torch.serialization, 'add_safe_globals'),
    reason='torch < 2.4 has no weights-only allowlist')

# a real Runner run: 1 epoch, validation with numpy metrics, EMA, best ckpt
MAKE_RUNNER_CKPT = '''
import numpy as np, torch
from torch import nn
from torch.utils.data import Dataset
from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
from mmengine.runner import Runner

class Net(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
    def forward(self, inputs, labels=None, mode='tensor'):
        out = self.fc(torch.stack(inputs))
        if mode == 'loss':
            return dict(loss=out.pow(2).mean())
        return [dict(p=o) for o in out]

class Data(Dataset):
    def __len__(self):
        return 4
    def __getitem__(self, i):
        return dict(inputs=torch.randn(2), labels=0)

class Metric(BaseMetric):
    def process(self, data_batch, data_samples):
        self.results.append(1)
    def compute_metrics(self, results):
        return dict(acc=np.float64(0.5), top=np.float32(1.0))

loader = dict(dataset=Data(), batch_size=2,
              sampler=dict(type='DefaultSampler', shuffle=False))
Runner(model=Net(), work_dir=WORK_DIR, train_dataloader=loader,
       val_dataloader=loader, val_evaluator=[Metric()], val_cfg=dict(),
       optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
       train_cfg=dict(by_epoch=True, max_epochs=1, val_interval=1),
       default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1,
                                          save_best='acc')),
       custom_hooks=[dict(type='EMAHook')]).train()
'''


@pytest.fixture(scope='module')
def runner_ckpt(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('runner')
    rc, out = run_python(f'WORK_DIR = {str(work_dir)!r}\n' +
                         MAKE_RUNNER_CKPT)
    assert rc == 0, out
    ckpt = work_dir / 'epoch_1.pth'
    assert ckpt.is_file()
    return ckpt


@pytest.mark.slow
def test_bug_reproduces_without_mmtin(runner_ckpt):
    rc, out = run_python(f'''
        from mmengine.runner import CheckpointLoader
        CheckpointLoader.load_checkpoint({str(runner_ckpt)!r})
    ''')
    assert rc != 0
    assert 'Weights only load failed' in out


@pytest.mark.slow
def test_runner_checkpoint_loads_after_mmtin(runner_ckpt):
    best = next(runner_ckpt.parent.glob('best_acc_*.pth'))
    rc, out = run_python(f'''
        import mmtin, torch
        from mmengine.runner import CheckpointLoader
        for path in [{str(runner_ckpt)!r}, {str(best)!r}]:
            ckpt = CheckpointLoader.load_checkpoint(path)
            hub = ckpt['message_hub']
            print(sorted(ckpt), type(hub['log_scalars']['train/lr']).__name__)
            ckpt = torch.load(path)  # the default is weights_only=True
        print('ema' if 'ema_state_dict' in ckpt else 'no-ema')
    ''')
    assert rc == 0, out
    assert 'HistoryBuffer' in out and 'ema' in out


class _Evil:
    """Pickles as ``getattr(HistoryBuffer, '__init__')``: not a statistic."""

    def __reduce__(self):
        from mmengine.logging import HistoryBuffer
        return getattr, (HistoryBuffer, '__init__')


class _Shell:

    def __reduce__(self):
        import os
        return os.system, ('echo pwned',)


def test_still_rejects_other_globals(tmp_path):
    checkpoint_globals.apply()
    for i, payload in enumerate([_Evil(), _Shell()]):
        path = tmp_path / f'evil{i}.pth'
        torch.save({'x': payload}, path)
        with pytest.raises(pickle.UnpicklingError):
            torch.load(path)


def test_restricted_getattr():
    from mmengine.logging import HistoryBuffer
    assert checkpoint_globals.history_buffer_getattr(
        HistoryBuffer, 'mean') is HistoryBuffer.mean
    with pytest.raises(pickle.UnpicklingError):
        checkpoint_globals.history_buffer_getattr(HistoryBuffer, '__class__')
    with pytest.raises(pickle.UnpicklingError):
        checkpoint_globals.history_buffer_getattr(object, 'mean')
