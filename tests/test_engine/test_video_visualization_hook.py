# Copyright (c) OpenMMLab. All rights reserved.
"""VideoVisualizationHook: MMAction2 1.2's VisualizationHook crashes on its
own visualizer (``show``); the fixed hook draws every input layout."""
from unittest.mock import MagicMock

import numpy as np
import pytest
import torch
from mmaction.engine.hooks import VisualizationHook
from mmaction.structures import ActionDataSample
from mmaction.visualization import ActionVisualizer

from mmtin.engine.hooks import VideoVisualizationHook
from mmtin.engine.hooks.video_visualization_hook import (clip_frames,
                                                         with_label_data)


@pytest.fixture
def visualizer(tmp_path):
    vis = ActionVisualizer.get_instance(
        f'vis_{tmp_path.name}',
        vis_backends=[dict(type='LocalVisBackend')], save_dir=str(tmp_path))
    return vis


def _batch(inputs, n=2):
    samples = []
    for i in range(n):
        s = ActionDataSample().set_gt_label(i % 3)
        s.set_pred_score(torch.tensor([0.1, 0.7, 0.2]))
        samples.append(s)
    return dict(inputs=inputs), samples


def test_stock_hook_still_crashes(visualizer, tmp_path):
    """The bug this hook exists for: if MMAction2 fixes it, drop the hook."""
    hook = VisualizationHook(enable=True, interval=1, out_dir=str(tmp_path))
    batch, samples = _batch([torch.zeros(3, 2, 8, 8)] * 2)
    with pytest.raises(TypeError, match="'show'"):
        hook.after_test_iter(MagicMock(), 0, batch, samples)


@pytest.mark.parametrize('shape, frames', [
    ((4, 3, 8, 10), 4),  # NCHW: V * T frames
    ((2, 3, 3, 8, 10), 6),  # NCTHW: V clips of T
    ((3, 4, 8, 10), 4),  # one [C, T, H, W] clip
])
def test_clip_frames_layouts(shape, frames):
    x = torch.arange(int(np.prod(shape)), dtype=torch.float32).view(shape)
    out = clip_frames(x % 256)
    assert out.shape == (frames, 8, 10, 3) and out.dtype == np.uint8
    if len(shape) == 4 and shape[1] == 3:  # pixel (0, 0) of frame 1, ch 2
        assert out[1, 0, 0, 2] == (x[1, 2, 0, 0] % 256)


def test_clip_frames_modalities_and_unknown():
    rgb = torch.zeros(1, 4, 3, 8, 8)  # AdaMML: [S, K, 3, H, W] per sample
    assert clip_frames(dict(rgb=rgb, audio=torch.zeros(4, 1, 16, 8))).shape \
        == (4, 8, 8, 3)
    assert clip_frames(dict(audio=torch.zeros(4, 1, 16, 8))) is None
    assert clip_frames(torch.zeros(2, 1, 16, 8)) is None


def test_label_data_for_the_visualizer():
    s = ActionDataSample().set_gt_label(2)
    s.set_pred_score(torch.tensor([0.1, 0.6, 0.3]))
    out = with_label_data(s, topk=2)
    assert out.pred_labels.item.tolist() == [1, 2]
    assert out.gt_labels.item.tolist() == [2]
    assert 'pred_labels' not in s  # the original is left alone


def test_hook_writes_every_sample_enlarged(visualizer, tmp_path):
    out_dir = tmp_path / 'show'
    hook = VideoVisualizationHook(enable=True, interval=1,
                                  out_dir=str(out_dir), min_size=64)
    hook.before_test_epoch(MagicMock())
    # a full batch of 2, then a short last batch of 1 (NCHW, 2 frames)
    for idx, n in enumerate((2, 1)):
        batch, samples = _batch(torch.randint(0, 255, (n, 2, 3, 16, 16)), n)
        hook.after_test_iter(MagicMock(), idx, batch, samples)
    import cv2
    for name in ('0_0', '1_0', '2_0'):
        files = sorted((out_dir / name / 'frames_0').glob('*.png'))
        assert len(files) == 2, name
        img = cv2.imread(str(files[0]))
        assert img.shape == (64, 64, 3)
        assert img.std() > 10


def test_hook_arguments(visualizer):
    with pytest.raises(ValueError, match='interval'):
        VideoVisualizationHook(interval=0)
    with pytest.raises(ValueError, match='show_frames'):
        VideoVisualizationHook(show_frames=True)
    assert VideoVisualizationHook(show=True).draw_args['show_frames'] is True
