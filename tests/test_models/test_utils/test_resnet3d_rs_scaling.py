# Copyright (c) OpenMMLab. All rights reserved.
"""The 3D ResNet-RS scaling points, their configs and the table tool."""
import pytest
from mmengine.config import Config

import mmtin  # noqa: F401
from mmtin.models.utils import resnet3d_rs_points, resnet3d_rs_scaling
from script_loader import load_script

# seed_systems.md section 2: depth -> (blocks, frames, K400, K600)
PUBLISHED = [
    (50, 32, (3, 4, 6, 3), 78.2, None),
    (101, 32, (3, 4, 23, 3), 79.5, None),
    (152, 32, (3, 8, 36, 3), 79.9, None),
    (200, 32, (3, 24, 36, 3), 80.4, 83.1),
    (200, 48, (3, 24, 36, 3), 81.0, 83.8),
]


@pytest.mark.parametrize('depth, frames, blocks, k400, k600', PUBLISHED)
def test_published_points(depth, frames, blocks, k400, k600):
    point = resnet3d_rs_scaling(depth=depth, frames=frames)
    assert point['depth'] == depth and point['frames'] == frames
    assert point['stage_blocks'] == blocks
    assert (point['k400'], point['k600']) == (k400, k600)
    assert point['frame_interval'] == 2
    assert (point['train_crop'], point['test_crop']) == (224, 256)
    assert point['backbone'] == dict(type='ResNet3dRS', depth=depth,
                                     drop_path_rate=0.1)


def test_depth_alone_gives_the_32_frame_point():
    assert resnet3d_rs_scaling(depth=200)['frames'] == 32


def test_points_match_their_configs(repo_root):
    for point in resnet3d_rs_points():
        cfg = Config.fromfile(str(repo_root / point['config']))
        assert cfg.model.backbone.depth == point['depth']
        sampler = cfg.train_pipeline[1]
        assert sampler['type'] == 'SampleFrames'
        assert (sampler['clip_len'], sampler['frame_interval']) == (
            point['frames'], point['frame_interval'])
        assert cfg.zoo_info.published_top1 == point['k400']


def test_rule_grows_depth_then_frames():
    points = resnet3d_rs_points()
    keys = [(p['depth'], p['frames']) for p in points]
    assert keys == sorted(keys)
    gflops = [p['gflops'] for p in points]
    assert gflops == sorted(gflops)
    # 32 -> 48 frames: FLOPs affine in T with a tiny constant part
    assert gflops[-1] / gflops[-2] == pytest.approx(1.5, rel=0.01)


@pytest.mark.parametrize('budget, name', [(88.4, 'RS-50'), (200, 'RS-101'),
                                          (313.1, 'RS-200'),
                                          (1000, 'RS-200-48')])
def test_gflops_budget(budget, name):
    assert resnet3d_rs_scaling(gflops=budget)['name'] == name


@pytest.mark.parametrize('kwargs, match', [
    (dict(), 'exactly one target'),
    (dict(depth=50, gflops=100), 'exactly one target'),
    (dict(depth=34), r'depth=34 is not a ResNet3dRS depth'),
    (dict(depth=270), 'depth=270 has no published point'),
    (dict(depth=101, frames=48), r'published frames: \[32\]'),
    (dict(gflops=50), 'no published point fits gflops=50'),
    (dict(gflops=-1), 'gflops must be a positive number'),
    (dict(gflops=300, frames=32), 'frames only goes with depth'),
])
def test_bad_targets(kwargs, match):
    with pytest.raises(ValueError, match=match):
        resnet3d_rs_scaling(**kwargs)


def test_tool_target_and_table(capsys):
    tool = load_script('tools/analysis/resnet3d_rs_scaling.py')
    assert tool.main(['--depth', '152'])['stage_blocks'] == (3, 8, 36, 3)
    rows = tool.main(['--table', '--points', 'RS-50', '--input-size', '32',
                      '--count-frames', '2'])
    # the parameter count written in configs/resnet3d_rs50_k400.py
    assert rows[0]['params'] == 48_129_840
    out = capsys.readouterr().out
    assert '| RS-50 | 50 | 3, 4, 6, 3 | 32 x 2 |' in out
    assert 'unverified' in out
    with pytest.raises(SystemExit, match='unknown'):
        tool.main(['--table', '--points', 'RS-18'])


@pytest.mark.slow
def test_rs50_gflops_recount():
    """The constant of RS-50 equals a fresh count at 224 (about 20 s)."""
    tool = load_script('tools/analysis/resnet3d_rs_scaling.py')
    row = tool.count_point(resnet3d_rs_scaling(depth=50), 224, 2)
    assert row['counted_gflops'] == pytest.approx(row['gflops'], abs=0.05)
