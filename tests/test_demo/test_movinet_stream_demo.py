# Copyright (c) OpenMMLab. All rights reserved.
"""demo/movinet_stream_demo.py on a real video with a random-init
A0-Stream (plumbing, not accuracy)."""

import pytest
import torch
from script_loader import load_script


@pytest.fixture(scope='module')
def demo(repo_root):
    return load_script('demo/movinet_stream_demo.py')


def _args(repo_root, video_dir, shared_dir, *extra):
    return [
        str(video_dir / 'demo.mp4'),
        str(repo_root / 'configs' / 'movinet_a0_stream_k600.py'),
        *extra,
        str(shared_dir / 'data' / 'label_map_k400.txt'),
    ]


def test_running_top5_per_chunk(demo, repo_root, video_dir, shared_dir,
                                capsys):
    labels = (shared_dir / 'data' / 'label_map_k400.txt').read_text()
    labels = set(line.strip() for line in labels.splitlines())
    states = demo.main(
        _args(repo_root, video_dir, shared_dir) + [
            '--chunk-size', '3', '--max-chunks', '3', '--threads', '1',
            '--cfg-options', 'model.cls_head.num_classes=400'
        ])
    out = capsys.readouterr().out
    # 280 frames at 28 fps, SampleFrames interval 5 -> 56 frames
    assert 'every 5th -> 56 frames in chunks of 3' in out
    lines = [line for line in out.splitlines() if line.startswith('chunk')]
    assert len(lines) == 3
    for line in lines:
        ranked = line.split('): ')[1].split(', ')
        assert len(ranked) == 5
        assert all(r.rsplit(' ', 1)[0] in labels for r in ranked)
        probs = [float(r.rsplit(' ', 1)[1]) for r in ranked]
        assert probs == sorted(probs, reverse=True)
    assert 'frames     0-   10' in lines[0]  # frames 0, 5, 10
    assert states['head.pool_count'].tolist() == [9]
    assert states['backbone.block4_0.dw.buffer'].shape[2] == 4
    assert torch.isfinite(states['head.pool_sum']).all()


def test_clear_errors(demo, repo_root, video_dir, shared_dir):
    # a 600-class model with the 400-name label map
    with pytest.raises(ValueError, match='LABEL_MAP'):
        demo.main(_args(repo_root, video_dir, shared_dir))
    # a non-streaming config
    args = _args(repo_root, video_dir, shared_dir) + [
        '--cfg-options', 'model.cls_head.num_classes=400'
    ]
    args[1] = str(repo_root / 'configs' / 'movinet_a0_base_k600.py')
    with pytest.raises(TypeError, match='stream_step'):
        demo.main(args)
    with pytest.raises(SystemExit):
        demo.main(_args(repo_root, video_dir, shared_dir, 'missing.pth'))
