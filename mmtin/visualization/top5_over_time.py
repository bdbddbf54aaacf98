# Copyright (c) OpenMMLab. All rights reserved.
"""The top-5 classes of a recognizer over time: a window of the model's
clip slides over the video; every window is classified."""
from typing import Dict, Optional, Sequence

import numpy as np

from mmtin.utils.config_checks import find_sampler
from .clip_inputs import run_pipeline, test_pipeline_of
from .media import (ANIMATION_SUFFIXES, beside, check_out, class_name,
                    figure_to_rgb, new_figure, read_frames, save_figure,
                    write_animation)


def clip_span(cfg) -> int:
    """Frames one clip of the test pipeline covers: ``num_clips *
    clip_len * frame_interval`` of its ``SampleFrames`` (8 without one)."""
    found = find_sampler(test_pipeline_of(cfg))
    if found is None:
        return 8
    s = found[1]
    return max(1, s.get('num_clips', 1) * s.get('clip_len', 1) *
               s.get('frame_interval', 1))


def window_scores(model, frames: Sequence[np.ndarray], window: int,
                  stride: int) -> np.ndarray:
    """Class scores ``[num_windows, num_classes]`` of sliding windows.

    Args:
        model (nn.Module): A recognizer with ``model.cfg``.
        frames (Sequence[np.ndarray]): RGB frames of the video.
        window (int): Frames per window (a shorter video is one window).
        stride (int): Frames between window starts.

    Returns:
        np.ndarray: Scores per window (the model's ``pred_score``).
    """
    import torch
    starts = list(range(0, max(1, len(frames) - window + 1), stride))
    scores = []
    for start in starts:
        data = run_pipeline(model, frames=frames[start:start + window])
        with torch.no_grad():
            out = model(data['inputs'], data['data_samples'], mode='predict')
        scores.append(out[0].pred_score.float().cpu().numpy())
    return np.stack(scores)


def _window_picture(frame, score, labels, title, size=(640, 320)):
    fig = new_figure(*size)
    ax_img = fig.add_axes([0.01, 0.05, 0.45, 0.85])
    ax_img.imshow(frame)
    ax_img.set_axis_off()
    ax_img.set_title(title, fontsize=9)
    top = np.argsort(-score)[:5]
    ax = fig.add_axes([0.62, 0.12, 0.35, 0.76])
    ax.barh(range(len(top))[::-1], score[top], color='tab:blue')
    ax.set_yticks(range(len(top))[::-1])
    ax.set_yticklabels([class_name(int(i), labels)[:18] for i in top],
                       fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel('score', fontsize=8)
    ax.tick_params(axis='x', labelsize=7)
    return figure_to_rgb(fig)


def _summary(scores, times, labels, out, size=(800, 400)):
    fig = new_figure(*size)
    ax = fig.add_axes([0.08, 0.14, 0.62, 0.76])
    top = np.argsort(-scores.mean(0))[:5]
    for i in top:
        ax.plot(times, scores[:, i], marker='o', markersize=3,
                label=class_name(int(i), labels)[:24])
    ax.set_xlabel('window centre (s)')
    ax.set_ylabel('score')
    ax.set_ylim(0, 1)
    ax.set_title('top-5 classes (by mean score) over time')
    ax.grid(alpha=0.3)
    ax.legend(loc='upper left', bbox_to_anchor=(1.02, 1.0), fontsize=8)
    return save_figure(fig, out)


def top5_over_time(model,
                   video: str,
                   out: str,
                   labels: Optional[Sequence[str]] = None,
                   window: Optional[int] = None,
                   stride: Optional[int] = None,
                   fps: float = 4.) -> Dict[str, str]:
    """Classify sliding windows of ``video``; draw the top 5 per window.

    Args:
        model (nn.Module): A recognizer from
            :func:`mmtin.apis.build_recognizer` (any family).
        video (str): Video file.
        out (str): ``*.gif`` or ``*.mp4``: one frame per window (the
            window's middle frame and its top-5 bars); a PNG of the top-5
            classes' scores over time is written beside it (same name,
            ``.png``).
        labels (Sequence[str], optional): Class names. Default: None.
        window (int, optional): Frames per window. Default: the frames one
            clip of ``test_pipeline`` covers (:func:`clip_span`).
        stride (int, optional): Frames between windows. Default: half a
            window.
        fps (float): Frame rate of the animation. Default: 4.

    Returns:
        dict[str, str]: ``animation`` and ``summary`` paths.
    """
    out = check_out(out, ANIMATION_SUFFIXES, 'top5')
    window = window or clip_span(model.cfg)
    stride = stride or max(1, window // 2)
    if window < 1 or stride < 1:
        raise ValueError(f'top5: window and stride must be >= 1, got '
                         f'{window}, {stride}')
    frames, video_fps = read_frames(video)
    scores = window_scores(model, frames, window, stride)
    starts = range(0, len(scores) * stride, stride)
    pictures, times = [], []
    for start, score in zip(starts, scores):
        mid = min(len(frames) - 1, start + min(window, len(frames)) // 2)
        times.append(mid / video_fps)
        best = int(score.argmax())
        title = (f'frames {start}-{start + window - 1}: '
                 f'{class_name(best, labels)[:20]} {score[best]:.2f}')
        pictures.append(_window_picture(frames[mid], score, labels, title))
    animation = write_animation(pictures, out, fps=fps)
    summary = _summary(scores, np.array(times), labels, beside(out, '.png'))
    return dict(animation=animation, summary=summary)
