# Copyright (c) OpenMMLab. All rights reserved.
"""A ``VideoDataset`` that names the broken video and its annotation line."""
import io
import logging
import os.path as osp
from typing import Callable, List, NamedTuple, Optional, Sequence, Union

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS
from mmengine.fileio import exists, get, get_text
from mmengine.logging import print_log

from .short_videos import (check_short_video_mode, pipeline_min_frames,
                           short_video_detail)

# metainfo key (or data key) under which a returned training sample lists
# the broken samples that were skipped before it was drawn
SKIPPED_KEY = 'mmtin_skipped_broken'


class BrokenVideoError(RuntimeError):
    """A sample's video could not be loaded.

    Args:
        message (str): The full message.
        filename (str, optional): The video file. Default: None.
        ann_file (str, optional): The annotation file listing it.
            Default: None.
        line (int, optional): Its 1-based line in ``ann_file``.
            Default: None.
    """

    def __init__(self,
                 message: str,
                 filename: Optional[str] = None,
                 ann_file: Optional[str] = None,
                 line: Optional[int] = None) -> None:
        # one positional argument, so that DataLoader workers can re-raise it
        super().__init__(message)
        self.filename = filename
        self.ann_file = ann_file
        self.line = line

    @classmethod
    def for_sample(cls, filename: str, ann_file: str, line: int,
                   reason: str) -> 'BrokenVideoError':
        """The error for a video listed at ``ann_file:line``."""
        return cls(
            f'cannot load video "{filename}" (listed in {ann_file}, line '
            f'{line}): {reason}', filename, ann_file, line)

    @property
    def location(self) -> str:
        """str: ``file (ann_file:line)``, the sample's short description."""
        return sample_location(self.filename, self.ann_file, self.line)


def sample_location(filename: str, ann_file: str, line) -> str:
    """``file (ann_file:line)``: how skipped samples are named."""
    return f'{filename} ({ann_file}:{line})'


class VideoProbe(NamedTuple):
    """What :func:`probe_video` found.

    Args:
        num_frames (int): Frames decord reports (0 when it cannot open it).
        problem (str, optional): ``'missing'`` or ``'undecodable'``, or None
            when the video is fine.
        detail (str): The underlying error message.
    """
    num_frames: int
    problem: Optional[str] = None
    detail: str = ''


def probe_video(filename: str,
                decode: str = 'ends',
                backend_args: Optional[dict] = None) -> VideoProbe:
    """Check that a video exists and decodes with decord.

    Args:
        filename (str): Path (or URI) of the video.
        decode (str): Which frames to decode: ``'none'`` (open only),
            ``'ends'`` (first, middle and last frame) or ``'all'``.
            Default: 'ends'.
        backend_args (dict, optional): mmengine file backend arguments.
            Default: None.

    Returns:
        VideoProbe: Frame count and the problem found, if any.
    """
    if decode not in ('none', 'ends', 'all'):
        raise ValueError(f"decode must be 'none', 'ends' or 'all', "
                         f'got {decode!r}')
    import decord
    if not exists(filename, backend_args=backend_args):
        return VideoProbe(0, 'missing', 'no such file')
    try:
        reader = decord.VideoReader(
            io.BytesIO(get(filename, backend_args=backend_args)),
            num_threads=1)
        num_frames = len(reader)
    except Exception as err:  # decord raises bare RuntimeErrors
        return VideoProbe(0, 'undecodable', f'{type(err).__name__}: {err}')
    if num_frames < 1:
        return VideoProbe(0, 'undecodable', 'the video has no frames')
    if decode == 'none':
        return VideoProbe(num_frames)
    if decode == 'ends':
        chunks = [sorted({0, num_frames // 2, num_frames - 1})]
    else:
        chunks = [
            list(range(i, min(i + 32, num_frames)))
            for i in range(0, num_frames, 32)
        ]
    try:
        for inds in chunks:
            reader.get_batch(inds).asnumpy()
    except Exception as err:
        return VideoProbe(num_frames, 'undecodable',
                          f'decoding frames {inds[0]}..{inds[-1]} failed: '
                          f'{type(err).__name__}: {err}')
    return VideoProbe(num_frames)


@DATASETS.register_module()
class CheckedVideoDataset(VideoDataset):
    """``VideoDataset`` that reports broken videos by annotation line.

    Every sample remembers its 1-based line in ``ann_file`` (blank lines are
    ignored). When the pipeline fails on a sample (missing, truncated or
    undecodable video, ...) a :class:`BrokenVideoError` naming the video,
    ``ann_file`` and the line is raised, chained to the original error.

    A video with fewer frames than the pipeline's sampler needs (see
    :mod:`mmtin.datasets.short_videos`, the rule ``tools/check_dataset.py``
    applies too) is looped and logged once (``short_video='loop'``) or
    rejected as broken, naming the file and its frame count
    (``short_video='error'``).

    With ``skip_broken=True`` broken samples are skipped instead, each
    logged once (per process) naming the video and its line, never
    silently:

    - training (``test_mode=False``): another random sample is drawn (as
      MMEngine does when a pipeline returns None, at most ``max_refetch``
      times). The returned sample lists the skipped ones in its metainfo
      under ``'mmtin_skipped_broken'``, so that ``BrokenVideoReportHook``
      can count them across dataloader workers and ranks.
    - testing (``test_mode=True``): a sample cannot be replaced without
      biasing the metric, so every video is probed (opened with decord) when
      the dataset is built, and the broken ones are dropped from the data
      list with a warning each and a summary count
      (:attr:`broken_at_init`). A video that still fails later raises.

    Args:
        ann_file (str): Annotation file: ``path label`` per line.
        pipeline (list[dict | callable]): Data transforms.
        skip_broken (bool): Skip broken samples instead of raising.
            Default: False.
        short_video (str): ``'loop'`` or ``'error'``, see above.
            Default: ``'loop'``.
        **kwargs: Other arguments of ``VideoDataset`` / ``BaseDataset``.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[dict, Callable]],
                 skip_broken: bool = False,
                 short_video: str = 'loop',
                 **kwargs) -> None:
        if not isinstance(skip_broken, bool):
            raise TypeError('CheckedVideoDataset: skip_broken must be a '
                            f'bool, got {skip_broken!r}')
        self.skip_broken = skip_broken
        self.short_video = check_short_video_mode(short_video)
        self.min_frames = pipeline_min_frames(pipeline)
        self.broken_at_init: List[str] = []
        # short videos looped (found in this process), by location
        self.short_videos: List[str] = []
        self._logged = set()
        super().__init__(ann_file, pipeline, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read ``ann_file``; each sample also gets its ``ann_line``."""
        if not exists(self.ann_file):
            raise FileNotFoundError(
                f'CheckedVideoDataset: ann_file {self.ann_file} not found')
        data_list = []
        lines = get_text(self.ann_file).splitlines()
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            data_list.append(self._parse_line(line, line_no))
        if not data_list:
            raise ValueError(
                f'CheckedVideoDataset: the annotation file {self.ann_file} '
                'is empty (no annotation lines); expected "<video> <label>" '
                'per line')
        return data_list

    def _parse_line(self, line: str, line_no: int) -> dict:
        parts = line.strip().split(self.delimiter)
        where = f'{self.ann_file}, line {line_no}'
        try:
            if self.multi_class:
                if self.num_classes is None:
                    raise ValueError('multi_class=True needs num_classes')
                filename, label = parts[0], [int(x) for x in parts[1:]]
            elif len(parts) == 1:  # inference list without labels
                filename, label = parts[0], -1
            elif len(parts) == 2:
                filename, label = parts[0], int(parts[1])
            else:
                raise ValueError(f'expected "<video> <label>" separated by '
                                 f'{self.delimiter!r}, got {len(parts)} '
                                 'fields')
        except ValueError as err:
            raise ValueError(f'malformed annotation ({where}): {line!r}: '
                             f'{err}') from err
        if self.data_prefix['video'] is not None:
            filename = osp.join(self.data_prefix['video'], filename)
        return dict(filename=filename, label=label, ann_line=line_no)

    def filter_data(self) -> List[dict]:
        """In test mode with ``skip_broken``, drop videos that don't open."""
        data_list = super().filter_data()
        if not (self.test_mode and self.skip_broken):
            return data_list
        kept = []
        for info in data_list:
            probe = probe_video(info['filename'], decode='none')
            where = sample_location(info['filename'], self.ann_file,
                                    info['ann_line'])
            problem, detail = probe.problem, probe.detail
            short = short_video_detail(probe.num_frames, self.min_frames)
            if problem is None and short is not None:
                if self.short_video == 'error':
                    problem, detail = 'too short', short
                else:
                    self._note_short(where, short)
            if problem is None:
                kept.append(info)
                continue
            self.broken_at_init.append(where)
            self._warn(f'skipping broken video {where}: {problem}, {detail}',
                       key=where)
        if self.broken_at_init:
            self._warn(f'{len(self.broken_at_init)} of {len(data_list)} '
                       f'videos in {self.ann_file} are broken and were '
                       'left out of this test-mode dataset')
        if self.short_videos:
            self._warn(f'{len(self.short_videos)} of {len(data_list)} '
                       f'videos in {self.ann_file} have fewer than '
                       f'{self.min_frames} frames; their frames are looped '
                       "(short_video='loop')")
        return kept

    def _warn(self, msg: str, key: Optional[str] = None) -> None:
        """Log ``msg`` once (per ``key``, per process) as a warning."""
        if key is not None:
            if key in self._logged:
                return
            self._logged.add(key)
        print_log(f'CheckedVideoDataset: {msg}', logger='current',
                  level=logging.WARNING)

    def _note_short(self, where: str, detail: str) -> None:
        if where not in self.short_videos:
            self.short_videos.append(where)
        self._warn(f'short video {where}: {detail}; its frames are looped '
                   "(short_video='loop'; 'error' rejects it)",
                   key=f'short {where}')

    def _check_length(self, data: dict, filename: str, line) -> None:
        """Apply the short-video rule once ``total_frames`` is known."""
        short = short_video_detail(int(data['total_frames']),
                                   self.min_frames)
        if short is None:
            return
        if self.short_video == 'error':
            raise BrokenVideoError.for_sample(
                filename, self.ann_file, line,
                f"too short: {short} (short_video='error'; 'loop' loops "
                'its frames)')
        self._note_short(sample_location(filename, self.ann_file, line),
                         short)

    def prepare_data(self, idx: int):
        """Run the pipeline; failures raise :class:`BrokenVideoError`."""
        data = self.get_data_info(idx)
        filename = data.get('filename', '?')
        line = data.get('ann_line', '?')
        checked = False
        for transform in self.pipeline.transforms:
            try:
                data = transform(data)
            except Exception as err:
                name = type(transform).__name__
                raise BrokenVideoError.for_sample(
                    filename, self.ann_file, line,
                    f'{name} failed: {type(err).__name__}: {err}') from err
            if data is None:
                return None
            if not checked and 'total_frames' in data:
                checked = True
                self._check_length(data, filename, line)
        return data

    def __getitem__(self, idx: int) -> dict:
        if not self.skip_broken or self.test_mode:
            return super().__getitem__(idx)
        if not self._fully_initialized:
            self.full_init()
        skipped: List[str] = []
        for _ in range(self.max_refetch + 1):
            try:
                data = self.prepare_data(idx)
            except BrokenVideoError as err:
                skipped.append(err.location)
                self._warn(f'skipped a broken sample: {err}',
                           key=err.location)
                data = None
            if data is None:  # broken, or a transform returned None
                idx = self._rand_another()
                continue
            if skipped:
                _attach_skipped(data, skipped)
            return data
        raise RuntimeError(
            f'CheckedVideoDataset ({self.ann_file}): no loadable sample '
            f'after {self.max_refetch + 1} tries; {len(skipped)} were '
            f'broken, the last ones: {skipped[-5:]}')


def _attach_skipped(data, skipped: Sequence[str]) -> None:
    """Record skipped samples in the data sample's metainfo (or the dict)."""
    sample = data.get('data_samples') if isinstance(data, dict) else None
    if hasattr(sample, 'set_metainfo'):
        sample.set_metainfo({SKIPPED_KEY: list(skipped)})
    elif isinstance(data, dict):
        data[SKIPPED_KEY] = list(skipped)


def skipped_in_batch(data_batch) -> List[str]:
    """The broken samples skipped while a collated batch was loaded.

    Args:
        data_batch (dict | list): A batch from the dataloader.

    Returns:
        list[str]: ``file (ann_file:line)`` of every skipped sample.
    """
    found: List[str] = []
    if not isinstance(data_batch, dict):
        return found
    for sample in data_batch.get('data_samples') or []:
        metainfo = getattr(sample, 'metainfo', {})
        found.extend(metainfo.get(SKIPPED_KEY, []))
    for item in data_batch.get(SKIPPED_KEY) or []:
        found.extend(item if isinstance(item, (list, tuple)) else [item])
    return found


__all__ = [
    'BrokenVideoError', 'CheckedVideoDataset', 'VideoProbe', 'probe_video',
    'skipped_in_batch', 'SKIPPED_KEY'
]
