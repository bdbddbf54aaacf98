# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/test.py --show/--show-dir/--interval``: turns on the (fixed)
visualization hook and writes the drawn frames."""
import os
import sys

import numpy as np
import pytest
import torch

import proc_helpers
from script_loader import load_script

CONFIG = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)
pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_dataloader = dict(
    batch_size=2, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='VideoDataset', ann_file={ann!r}, test_mode=True,
                 data_prefix=dict(video={videos!r}), pipeline=pipeline))
test_evaluator = dict(type='AccMetric')
test_cfg = dict(type='TestLoop')
model = dict(
    type='Recognizer2D',
    backbone=dict(type='TINResNet', depth=18, num_segments=2, shift_div=4,
                  pretrained=None, pretrained2d=False),
    cls_head=dict(type='TSMHead', num_classes=3, in_channels=512,
                  num_segments=2, is_shift=True, average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[128., 128., 128.], std=[64., 64., 64.],
                           format_shape='NCHW'))
default_hooks = dict(logger=dict(type='LoggerHook', interval=1))
env_cfg = dict(dist_cfg=dict(backend='nccl'))
'''


@pytest.fixture(scope='module')
def tiny(tmp_path_factory, video_dir):
    """A tiny TIN-R18 config (no visualization hook, no visualizer) and a
    checkpoint of its random weights."""
    root = tmp_path_factory.mktemp('show_dir')
    ann = root / 'ann.txt'
    ann.write_text('demo.mp4 0\ntest.mp4 1\ntest.avi 2\n')
    config = root / 'tiny_tin.py'
    config.write_text(CONFIG.format(ann=str(ann), videos=str(video_dir)))
    from mmtin.apis import build_recognizer
    model = build_recognizer(str(config))
    ckpt = root / 'tiny.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    return root, config, ckpt


def test_merge_args_enables_the_fixed_hook(tiny):
    from mmengine.config import Config
    test = load_script('tools/test.py')
    _, config, _ = tiny
    args = test.parse_args([str(config), 'ck.pth', '--show-dir', 'out',
                            '--interval', '3', '--wait-time', '0.5'])
    cfg = test.merge_args(Config.fromfile(str(config)), args)
    vis = cfg.default_hooks.visualization
    assert vis == dict(type='VideoVisualizationHook', enable=True,
                       show=False, wait_time=0.5, out_dir='out', interval=3)
    assert cfg.visualizer.type == 'ActionVisualizer'
    # without the options the config is left alone
    cfg = test.merge_args(Config.fromfile(str(config)),
                          test.parse_args([str(config), 'ck.pth']))
    assert 'visualization' not in cfg.default_hooks

    cfg = Config.fromfile(str(config))
    cfg.default_hooks.visualization = dict(type='MyDrawingHook')
    with pytest.raises(ValueError, match='MyDrawingHook'):
        test.merge_args(cfg, test.parse_args([str(config), 'c', '--show']))
    with pytest.raises(ValueError, match='--interval'):
        test.merge_args(Config.fromfile(str(config)), test.parse_args(
            [str(config), 'c', '--show', '--interval', '0']))


@pytest.mark.slow
def test_show_dir_writes_the_frames(tiny, repo_root):
    root, config, ckpt = tiny
    show = root / 'show'
    env = dict(os.environ, OMP_NUM_THREADS='1', CUDA_VISIBLE_DEVICES='')
    proc = proc_helpers.run(
        [sys.executable, 'tools/test.py', str(config), str(ckpt),
         '--work-dir', str(root / 'work'), '--show-dir', str(show),
         '--interval', '2'],
        cwd=repo_root, env=env, timeout=300)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert 'acc/top1' in proc.stdout
    import cv2
    # 3 videos, --interval 2: samples 0 and 2, 2 frames each
    assert sorted(p.name for p in show.iterdir()) == ['0_0', '2_0']
    for name in ('0_0', '2_0'):
        files = sorted((show / name / 'frames_0').glob('*.png'))
        assert [f.name for f in files] == ['0.png', '1.png']
        img = cv2.imread(str(files[1]))
        assert img.shape == (256, 256, 3)  # 32x32 enlarged to min_size
        assert img.std() > 10 and len(np.unique(img.reshape(-1, 3), 0)) > 50
