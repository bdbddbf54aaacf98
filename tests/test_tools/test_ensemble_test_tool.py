# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/test.py`` and the inference API on an EnsembleRecognizer config:
two tiny half-rate MoViNet members, one checkpoint of the whole ensemble."""
import os
import pickle
import re
import sys

import pytest
import torch
import proc_helpers

CONFIG = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_dataloader = dict(
    batch_size=2, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='VideoDataset', ann_file={ann!r},
                 data_prefix=dict(video={videos!r}), pipeline=test_pipeline,
                 test_mode=True))
test_evaluator = dict(type='AccMetric')
test_cfg = dict(type='TestLoop')
member = dict(
    type='Recognizer3D',
    backbone=dict(type='MoViNet', arch=dict(
        stem=4, stages=[(4, '8/155*'), (8, '12/333*'), (8, '16/533'),
                        (8, '12/333'), (12, '16/133*')], project=16)),
    cls_head=dict(type='MoViNetHead', num_classes=5, in_channels=16,
                  hidden_channels=8),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[0., 0., 0.], std=[255., 255., 255.],
                           format_shape='NCTHW'))
model = dict(
    type='EnsembleRecognizer', num_frames=4,
    members=[dict(model=member, frames=dict(offset=0, stride=2)),
             dict(model=member, frames=dict(offset=1, stride=2))])
'''


@pytest.mark.slow
def test_tools_test_runs_an_ensemble(tmp_path, video_dir, repo_root):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import mmtin  # noqa: F401
    from mmaction.registry import MODELS
    init_default_scope('mmaction')
    ann = tmp_path / 'ann.txt'
    ann.write_text('demo.mp4 0\ntest.mp4 1\n')
    config = tmp_path / 'tiny_ensemble.py'
    config.write_text(CONFIG.format(ann=str(ann), videos=str(video_dir)))
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(config)).model)
    ckpt = tmp_path / 'ensemble.pth'
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    dump = tmp_path / 'preds.pkl'
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore',
               CUDA_VISIBLE_DEVICES='')
    proc = proc_helpers.run(
        [sys.executable, 'tools/test.py', str(config), str(ckpt),
         '--work-dir', str(tmp_path / 'work'), '--dump', str(dump)],
        cwd=repo_root, env=env, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-5000:]
    assert re.search(r'^acc/top1: ', proc.stdout, re.M), out[-3000:]
    with open(dump, 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 2
    for pred in preds:
        assert pred['pred_score'].shape == (5, )
        assert abs(float(pred['pred_score'].sum()) - 1) < 1e-5

    # the inference API: init_recognizer + mmtin's inference_recognizer
    from mmaction.apis import init_recognizer

    from mmtin.apis import inference_recognizer
    loaded = init_recognizer(str(config), str(ckpt), device='cpu')
    for key, value in model.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[key], value)
    result = inference_recognizer(loaded, str(video_dir / 'demo.mp4'))
    assert result.pred_score.shape == (5, )
