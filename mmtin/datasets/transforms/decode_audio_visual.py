# Copyright (c) OpenMMLab. All rights reserved.
"""Decode the sampled frames and the audio track of one file with PyAV."""
import warnings
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class DecodeAudioVisual(BaseTransform):
    """Decode frames and the mono, resampled audio track in one pass.

    Runs after MMAction2's ``PyAVInit`` (which opens the file as
    ``video_reader``) and a sampler that sets ``frame_inds`` (e.g.
    :class:`SampleMultiModalSegments`). The video and audio packets are
    demuxed together; audio frames go through PyAV's ``AudioResampler``
    (mono, ``sample_rate``, float). The waveform is placed on the video's
    time axis: sample ``i`` is at ``i / sample_rate`` seconds after the
    start of the container.

    Added keys: ``imgs`` (list of ``H x W x 3`` uint8 RGB frames, in the
    order of ``frame_inds``), ``original_shape``, ``img_shape``, ``audio_wave``
    (float32 waveform), ``audio_sample_rate``, ``fps``,
    ``segment_seconds`` (the ``segment_windows`` in seconds, if present),
    ``audio_missing`` (bool).

    Args:
        sample_rate (int): Output sample rate in Hz. Default: 16000.
        missing_audio (str): What to do with a file without an audio track:
            ``'error'`` raises a ``ValueError`` naming the file;
            ``'silence'`` fills silence, warns naming the file, counts it
            in :attr:`num_silenced` and marks the sample ``audio_missing``
            (``SilencedAudioMetric`` reports the count). Default: 'error'.
    """

    def __init__(self,
                 sample_rate: int = 16000,
                 missing_audio: str = 'error') -> None:
        if missing_audio not in ('error', 'silence'):
            raise ValueError("DecodeAudioVisual: missing_audio must be "
                             f"'error' or 'silence', got {missing_audio!r}")
        if not isinstance(sample_rate, int) or sample_rate < 1:
            raise ValueError('DecodeAudioVisual: sample_rate must be a '
                             f'positive int, got {sample_rate!r}')
        self.sample_rate = sample_rate
        self.missing_audio = missing_audio
        self.num_silenced = 0

    def _decode(self, container, wanted: set):
        import av
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio \
            else None
        streams = [video] + ([audio] if audio is not None else [])
        resampler = av.AudioResampler(
            format='flt', layout='mono', rate=self.sample_rate)
        frames, chunks, index, start = {}, [], 0, None
        for packet in container.demux(*streams):
            for frame in packet.decode():
                if isinstance(frame, av.AudioFrame):
                    if start is None:
                        start = float(frame.time or 0.0)
                    chunks.extend(
                        f.to_ndarray().reshape(-1)
                        for f in resampler.resample(frame))
                else:
                    if index in wanted:
                        frames[index] = frame.to_ndarray(format='rgb24')
                    index += 1
        if audio is not None:
            chunks.extend(
                f.to_ndarray().reshape(-1) for f in resampler.resample(None))
        wave = (np.concatenate(chunks).astype(np.float32)
                if chunks else np.zeros(0, np.float32))
        if start:  # place the first sample at its time
            shift = int(round(start * self.sample_rate))
            wave = (np.concatenate([np.zeros(shift, np.float32), wave])
                    if shift > 0 else wave[-shift:])
        return frames, index, audio is not None, wave

    def transform(self, results: Dict) -> Dict:
        """Decode ``frame_inds`` and the audio of ``video_reader``."""
        filename = results.get('filename', '<unknown file>')
        container = results.get('video_reader')
        if container is None:
            raise KeyError('DecodeAudioVisual: no "video_reader" in the '
                           f'results of {filename}; put PyAVInit first')
        inds = np.asarray(results['frame_inds']).reshape(-1)
        video = container.streams.video[0]
        fps = float(video.average_rate or 0)
        has_audio = bool(container.streams.audio)
        if not has_audio and self.missing_audio == 'error':
            container.close()
            raise ValueError(
                f'DecodeAudioVisual: "{filename}" has no audio track; set '
                "missing_audio='silence' to fill silence instead")
        frames, decoded, _, wave = self._decode(container, set(inds.tolist()))
        container.close()
        results['video_reader'] = None
        if fps <= 0:
            raise ValueError(f'DecodeAudioVisual: "{filename}" has no frame '
                             'rate in its video stream')
        missing = [int(i) for i in inds if int(i) not in frames]
        if missing:
            raise ValueError(
                f'DecodeAudioVisual: "{filename}" decoded {decoded} frames, '
                f'frame indices {missing[:5]} are past the end')
        if not has_audio:
            self.num_silenced += 1
            warnings.warn(f'DecodeAudioVisual: "{filename}" has no audio '
                          f'track; filled with silence ({self.num_silenced} '
                          'so far in this process)')
            wave = np.zeros(
                int(round(decoded / fps * self.sample_rate)), np.float32)
        imgs = [frames[int(i)] for i in inds]
        results['imgs'] = imgs
        results['original_shape'] = imgs[0].shape[:2]
        results['img_shape'] = imgs[0].shape[:2]
        results['audio_wave'] = wave
        results['audio_sample_rate'] = self.sample_rate
        results['fps'] = fps
        results['audio_missing'] = not has_audio
        if 'segment_windows' in results:
            results['segment_seconds'] = np.asarray(
                results['segment_windows'], np.float64) / fps
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sample_rate={self.sample_rate}, '
                f'missing_audio={self.missing_audio!r})')
