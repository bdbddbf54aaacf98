# Copyright (c) OpenMMLab. All rights reserved.
"""``demo/demo.py``: top-5 labels of a real video (plumbing, not accuracy)."""
import math
import os
import subprocess
import sys

import pytest
import torch
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from script_loader import load_script

TINY_TSN_400 = """
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNet', depth=18, norm_eval=False,
                  pretrained='torchvision://resnet18'),
    cls_head=dict(type='TSNHead', num_classes=400, in_channels=512,
                  average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], format_shape='NCHW'))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 40)),
    dict(type='CenterCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
"""


@pytest.fixture
def tiny_config(tmp_path):
    path = tmp_path / 'tiny_tsn_400.py'
    path.write_text(TINY_TSN_400)
    return path


@pytest.fixture
def label_map(shared_dir):
    return shared_dir / 'data' / 'label_map_k400.txt'


def _load_demo(repo_root):
    return load_script('demo/demo.py')


def _parse_top(stdout):
    lines = stdout.strip().splitlines()
    start = [i for i, ln in enumerate(lines) if ln.startswith('The top-')]
    assert start, f'no result header in output:\n{stdout}'
    top = []
    for line in lines[start[-1] + 1:]:
        label, score = line.rsplit(': ', 1)
        top.append((label, float(score)))
    return top


@pytest.mark.slow
def test_demo_random_model_subprocess(repo_root, video_dir, tiny_config,
                                      label_map):
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run([
        sys.executable, 'demo/demo.py',
        str(video_dir / 'demo.mp4'),
        str(tiny_config), 'none',
        str(label_map), '--device', 'cpu'
    ], cwd=repo_root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    top = _parse_top(proc.stdout)
    labels = label_map.read_text().splitlines()
    assert len(top) == 5
    assert all(label in labels for label, _ in top)
    assert len({label for label, _ in top}) == 5
    scores = [s for _, s in top]
    assert all(0 <= s <= 1 for s in scores)
    assert sum(scores) <= 1 + 1e-6
    assert scores == sorted(scores, reverse=True)


def test_demo_loads_checkpoint(repo_root, video_dir, tiny_config, label_map,
                               tmp_path, capsys):
    """A checkpoint whose classifier ignores the video (zero weights) and
    favours five known classes through its bias: the demo must print those
    classes with softmax(bias) scores, computed here by hand."""
    torch.manual_seed(0)
    init_default_scope('mmaction')
    model_cfg = dict(
        type='Recognizer2D',
        backbone=dict(type='ResNet', depth=18, pretrained=None),
        cls_head=dict(type='TSNHead', num_classes=400, in_channels=512))
    model = MODELS.build(model_cfg)
    favoured = [7, 3, 99, 250, 11]
    bias = torch.zeros(400)
    for rank, cls in enumerate(favoured):
        bias[cls] = 5.0 - rank
    with torch.no_grad():
        model.cls_head.fc_cls.weight.zero_()
        model.cls_head.fc_cls.bias.copy_(bias)
    ckpt = tmp_path / 'random_tsn.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, ckpt)

    demo = _load_demo(repo_root)
    demo.main([
        str(video_dir / 'demo.mp4'),
        str(tiny_config),
        str(ckpt),
        str(label_map), '--device', 'cpu'
    ])
    top = _parse_top(capsys.readouterr().out)

    labels = label_map.read_text().splitlines()
    denom = sum(math.exp(float(b)) for b in bias)
    expected = [(labels[c], math.exp(5.0 - r) / denom)
                for r, c in enumerate(favoured)]
    assert [lbl for lbl, _ in top] == [lbl for lbl, _ in expected]
    for (_, got), (_, want) in zip(top, expected):
        assert got == pytest.approx(want, abs=2e-6)


def test_demo_errors_name_the_bad_input(repo_root, video_dir, tiny_config,
                                        tmp_path):
    demo = _load_demo(repo_root)
    short_map = tmp_path / 'three_labels.txt'
    short_map.write_text('a\nb\nc\n')
    with pytest.raises(ValueError, match='label map has 3 labels'):
        demo.main([
            str(video_dir / 'demo.mp4'),
            str(tiny_config), 'none',
            str(short_map), '--device', 'cpu'
        ])
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        demo.main([
            str(video_dir / 'demo.mp4'),
            str(tiny_config),
            str(tmp_path / 'missing.pth'),
            str(short_map), '--device', 'cpu'
        ])
    with pytest.raises(FileNotFoundError, match='nothing.mp4'):
        demo.main([
            str(video_dir / 'nothing.mp4'),
            str(tiny_config), 'none',
            str(short_map), '--device', 'cpu'
        ])


def test_demo_runs_one_view_by_default(repo_root, video_dir, monkeypatch):
    """TDN's Kinetics config ran 10 clips x 3 crops (115 s, 7.3 GB on a
    CPU); the demo now runs one clip, one crop unless --views config."""
    from mmengine.config import Config

    from mmtin.apis import pipeline_views
    demo = _load_demo(repo_root)
    cfg = Config.fromfile(str(repo_root / 'configs/tdn_r50_8x_kinetics400.py'))
    seen = []

    class Result:
        pred_score = torch.ones(2)

    monkeypatch.setattr(demo, 'build_model', lambda *a: 'model')
    monkeypatch.setattr(
        demo, 'inference_recognizer',
        lambda model, video, test_pipeline: seen.append(test_pipeline) or
        Result())
    video = str(video_dir / 'test.mp4')
    demo.predict(video, cfg, 'none', ['a', 'b'])
    demo.predict(video, cfg, 'none', ['a', 'b'], views='config')
    assert [pipeline_views(cfg, p) for p in seen] == [1, 30]
    args = demo.parse_args([video, 'c.py', 'none', 'l.txt'])
    assert args.views == 'single'
    assert demo.parse_args([video, 'c.py', 'none', 'l.txt', '--views',
                            'config']).views == 'config'


def test_script_docstrings_name_existing_configs(repo_root):
    """demo.py's usage example named configs/tin_r50_1x1x8_40e_sthv1.py,
    which does not exist."""
    import re
    scripts = sorted((repo_root / 'demo').glob('*.py')) + sorted(
        (repo_root / 'tools').glob('*.py'))
    for script in scripts:
        for path in re.findall(r'configs/[\w/.-]+?\.py',
                               script.read_text()):
            if '{' not in path and '*' not in path:
                assert (repo_root / path).is_file(), f'{script}: {path}'
