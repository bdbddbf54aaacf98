# Copyright (c) OpenMMLab. All rights reserved.
"""The one rule for videos shorter than the frame sampling needs.

MMAction2's ``SampleFrames`` never fails on a short video: it starts several
clips at the same frame or loops frames past the end. mmtin makes that a
choice, the same in training and testing (:class:`CheckedVideoDataset`'s
``short_video``) and in ``tools/check_dataset.py`` (which reads the same
dataset key):

* ``short_video='loop'`` (default): the frames are looped as MMAction2
  does, and each such video is logged once with its frame count;
* ``short_video='error'``: the video is rejected like a broken one (a
  :class:`BrokenVideoError` naming the file, its annotation line and its
  frame count; skipped and counted with ``skip_broken=True``).
"""
from typing import Optional

SHORT_VIDEO_MODES = ('loop', 'error')


def required_frames(clip_len: int,
                    frame_interval: int = 1,
                    num_clips: int = 1) -> int:
    """Fewest frames a video needs for ``SampleFrames`` without repeats.

    With fewer frames, MMAction2's ``SampleFrames`` does not fail: it starts
    several clips at the same frame, or loops/repeats frames past the end of
    the video.

    Args:
        clip_len (int): Frames per clip.
        frame_interval (int): Step between frames of a clip. Default: 1.
        num_clips (int): Clips per video. Default: 1.

    Returns:
        int: The fewest frames with which ``SampleFrames``, in train and in
        test mode, keeps every index inside the video and starts each clip
        at a different frame: ``(clip_len - 1) * frame_interval + 1`` for
        one clip, ``clip_len * frame_interval + num_clips - 1`` for several
        (training segments are ``clip_len * frame_interval`` wide).
    """
    for name, value in (('clip_len', clip_len),
                        ('frame_interval', frame_interval),
                        ('num_clips', num_clips)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f'SampleFrames {name} must be a positive int, '
                             f'got {value!r}')
    if num_clips == 1:
        return (clip_len - 1) * frame_interval + 1
    return clip_len * frame_interval + num_clips - 1


def sampler_min_frames(step) -> int:
    """:func:`required_frames` of a sampler, config dict or built
    transform (anything with ``clip_len``); 0 for other steps.

    Args:
        step (dict | object): A pipeline step.

    Returns:
        int: The frames it needs, 0 if it samples no frames.
    """
    if isinstance(step, dict):
        get = step.get
    else:
        def get(key, default=None):
            return getattr(step, key, default)
    if get('clip_len') is None:
        return 0
    return required_frames(int(get('clip_len')),
                           int(get('frame_interval', 1) or 1),
                           int(get('num_clips', 1) or 1))


def pipeline_min_frames(pipeline) -> int:
    """The frames the first sampler of a pipeline (configs or transforms)
    needs; 0 without one."""
    for step in pipeline or []:
        need = sampler_min_frames(step)
        if need:
            return need
    return 0


def check_short_video_mode(mode: str) -> str:
    """``mode`` if it is one of :data:`SHORT_VIDEO_MODES`, else ValueError
    naming the key."""
    if mode not in SHORT_VIDEO_MODES:
        raise ValueError(f'short_video must be one of {SHORT_VIDEO_MODES}, '
                         f'got {mode!r}')
    return mode


def short_video_detail(num_frames: int, min_frames: int) -> Optional[str]:
    """``'N frames, the sampling needs at least M'`` for a short video,
    None otherwise (or when nothing is needed)."""
    if min_frames and 0 < num_frames < min_frames:
        return (f'{num_frames} frames, the sampling needs at least '
                f'{min_frames}')
    return None
