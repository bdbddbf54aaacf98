# Copyright (c) OpenMMLab. All rights reserved.
"""demo/vid_detection_demo.py draws a detector's boxes on a video it reads;
bad input is named (tests make their own video)."""
import cv2
import numpy as np
import pytest
from script_loader import load_script

from mmtin.datasets.synthetic.vid_objects import render_snippet

CONFIG = 'configs/lsts_vid/lsts_r18_vid_objects.py'


def write_video(path, frames):
    h, w = frames.shape[1:3]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 8,
                             (w, h))
    for f in frames:
        writer.write(np.ascontiguousarray(f[..., ::-1]))
    writer.release()


def count_frames(path):
    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    return n


def test_demo_draws_boxes(tmp_path, repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    clip, _, _, _ = render_snippet(np.random.default_rng(0), frames=10,
                                   size=64)
    video = tmp_path / 'in.mp4'
    write_video(video, clip)
    demo = load_script('demo/vid_detection_demo.py')
    out = tmp_path / 'out.mp4'
    dets = demo.main([str(video), CONFIG, 'none', str(out), '--clip-len',
                      '8', '--score-thr', '0'])
    assert len(dets) == 10 and count_frames(out) == 10
    assert sum(len(d.scores) for d in dets) > 0
    # boxes are drawn: the output differs from the input where a box is
    cap = cv2.VideoCapture(str(out))
    first = cap.read()[1]
    assert first.shape == (64, 64, 3)
    drawn = demo.draw(clip[0], dets[0], ('square', ), 0.)
    assert not np.array_equal(drawn, np.ascontiguousarray(clip[0][..., ::-1]))


def test_demo_names_bad_input(tmp_path, repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    demo = load_script('demo/vid_detection_demo.py')
    with pytest.raises(FileNotFoundError, match='missing.mp4 does not exist'):
        demo.main([str(tmp_path / 'missing.mp4'), CONFIG, 'none',
                   str(tmp_path / 'o.mp4')])
    empty = tmp_path / 'empty.mp4'
    write_video(empty, np.zeros((0, 32, 32, 3), np.uint8))
    empty.write_bytes(empty.read_bytes() if empty.exists() else b'')
    with pytest.raises(ValueError, match='empty video: .*empty.mp4'):
        demo.main([str(empty), CONFIG, 'none', str(tmp_path / 'o.mp4')])
