# Copyright (c) OpenMMLab. All rights reserved.
"""MMAction2's own installed tools and inference API on mmtin configs.

The config is ``configs/tin_r50_8x_kinetics400.py``: its bases reach
``mmaction::_base_/default_runtime.py`` and it imports mmtin only through
``custom_imports``, so these processes parse ``mmaction::`` before any mmtin
code runs (which needs ``pkg_resources``: mmtin declares ``setuptools<82``).
Data are the generated videos, sizes shrunk to 32 px with ``--cfg-options``
(list indices address pipeline steps), one iteration of batch 2.
"""
import importlib.util
import os
import os.path as osp
import sys

import pytest

import proc_helpers

CONFIG = 'configs/tin_r50_8x_kinetics400.py'


def _mmaction_tool(name):
    # file path, not find_spec('mmaction.xxx'): importing mmaction's
    # sub-packages is what the drn gap of the 1.2.0 wheel breaks
    root = osp.dirname(importlib.util.find_spec('mmaction').origin)
    path = osp.join(root, '.mim', 'tools', name)
    assert osp.isfile(path), f'MMAction2 ships no {path}'
    return path


def _data_options(ann, videos, loaders):
    opts = []
    for loader in loaders:
        opts += [
            f'{loader}.batch_size=2', f'{loader}.num_workers=0',
            f'{loader}.persistent_workers=False',
            f'{loader}.dataset.ann_file={ann}',
            f'{loader}.dataset.data_prefix.video={videos}'
        ]
    return opts


def _run(cmd, cwd, timeout=600):
    env = dict(os.environ, OMP_NUM_THREADS='1', CUDA_VISIBLE_DEVICES='')
    proc = proc_helpers.run(cmd, cwd=str(cwd), env=env, timeout=timeout)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f'{cmd} failed:\n{out[-6000:]}'
    return out


@pytest.fixture(scope='module')
def trained(tmp_path_factory, video_dir, repo_root):
    """MMAction2's ``tools/train.py``: one iteration, returns the work dir."""
    tmp = tmp_path_factory.mktemp('stock_tools')
    ann = tmp / 'ann.txt'
    ann.write_text('test.mp4 0\ndemo.mp4 1\n')
    work_dir = tmp / 'work'
    options = _data_options(ann, video_dir,
                            ['train_dataloader', 'val_dataloader']) + [
        'load_from=None', 'train_cfg.max_epochs=1', 'train_cfg.val_begin=2',
        # DecordInit, SampleFrames, DecordDecode, Resize, MultiScaleCrop,
        # Resize, Flip, ...
        'train_dataloader.dataset.pipeline.3.scale=(-1,40)',
        'train_dataloader.dataset.pipeline.4.input_size=32',
        'train_dataloader.dataset.pipeline.5.scale=(32,32)',
        'default_hooks.checkpoint.save_best=None',
    ]
    out = _run([
        sys.executable, _mmaction_tool('train.py'),
        str(repo_root / CONFIG), '--work-dir', str(work_dir),
        '--cfg-options', *options
    ], cwd=tmp)
    return work_dir, ann, out


@pytest.mark.slow
def test_stock_train_tool(trained):
    work_dir, _, out = trained
    assert 'Epoch(train) [1][1/1]' in out, out[-3000:]
    assert (work_dir / 'epoch_1.pth').is_file()


@pytest.mark.slow
def test_stock_test_tool(trained, video_dir, repo_root):
    work_dir, ann, _ = trained
    options = _data_options(ann, video_dir, ['test_dataloader']) + [
        # DecordInit, SampleFrames, DecordDecode, Resize, CenterCrop, ...
        'test_dataloader.dataset.pipeline.3.scale=(-1,40)',
        'test_dataloader.dataset.pipeline.4.crop_size=32',
    ]
    out = _run([
        sys.executable, _mmaction_tool('test.py'),
        str(repo_root / CONFIG),
        str(work_dir / 'epoch_1.pth'), '--work-dir',
        str(work_dir / 'test'), '--cfg-options', *options
    ], cwd=work_dir)
    assert 'acc/top1' in out, out[-3000:]


@pytest.mark.slow
def test_init_recognizer_before_importing_mmtin(repo_root, tmp_path):
    code = f'''
import sys
from mmaction.apis import init_recognizer
assert 'mmtin' not in sys.modules
model = init_recognizer({str(repo_root / CONFIG)!r}, None, device='cpu')
print('built', type(model.backbone).__name__,
      type(model.backbone).__module__.split('.')[0])
'''
    out = _run([sys.executable, '-c', code], cwd=tmp_path)
    assert 'built TINResNet mmtin' in out
