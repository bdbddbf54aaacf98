# Copyright (c) OpenMMLab. All rights reserved.
"""Log-mel spectrogram of the audio of every segment (librosa)."""
from typing import Dict, Optional

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class AudioLogMel(BaseTransform):
    """One log-mel spectrogram per segment time window.

    For segment ``s`` with window ``[t0, t1)`` seconds
    (``segment_seconds``), the waveform samples ``[round(t0 * sr),
    round(t0 * sr) + n)`` are taken, ``n = round(window_seconds * sr)``
    (the mean segment length when ``window_seconds`` is None); samples
    outside the track are zeros. ``librosa.feature.melspectrogram`` (power
    2, ``center=False``) gives ``log(mel + eps)``.

    Required keys: ``audio_wave``, ``audio_sample_rate``, ``segment_seconds``.
    Added key: ``audio_spec`` of shape ``(S, 1, n_mels, frames)``.

    Args:
        n_mels (int): Mel bands. Default: 64.
        n_fft (int): FFT size. Default: 512.
        hop_length (int): Hop in samples. Default: 160.
        fmin (float): Lowest frequency. Default: 0.
        fmax (float, optional): Highest frequency (None: sr / 2).
            Default: None.
        window_seconds (float, optional): Fixed window length (use it when
            videos differ in duration, so that batches stack).
            Default: None.
        eps (float): Added before the log. Default: 1e-6.
    """

    def __init__(self,
                 n_mels: int = 64,
                 n_fft: int = 512,
                 hop_length: int = 160,
                 fmin: float = 0.0,
                 fmax: Optional[float] = None,
                 window_seconds: Optional[float] = None,
                 eps: float = 1e-6) -> None:
        if window_seconds is not None and window_seconds <= 0:
            raise ValueError('AudioLogMel: window_seconds must be > 0, got '
                             f'{window_seconds}')
        self.n_mels = n_mels
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.fmin = fmin
        self.fmax = fmax
        self.window_seconds = window_seconds
        self.eps = eps

    def transform(self, results: Dict) -> Dict:
        """Compute ``audio_spec``."""
        import librosa
        for key in ('audio_wave', 'audio_sample_rate', 'segment_seconds'):
            if key not in results:
                raise KeyError(f'AudioLogMel: missing key "{key}" for '
                               f'{results.get("filename", "the sample")}; '
                               'run SampleMultiModalSegments and '
                               'DecodeAudioVisual first')
        wave, sr = results['audio_wave'], results['audio_sample_rate']
        windows = np.asarray(results['segment_seconds'], np.float64)
        seconds = self.window_seconds or float(
            np.mean(windows[:, 1] - windows[:, 0]))
        length = max(int(round(seconds * sr)), self.n_fft)
        specs = []
        for t0, _ in windows:
            first = int(round(t0 * sr))
            chunk = np.zeros(length, np.float32)
            part = wave[max(first, 0):max(first + length, 0)]
            chunk[max(-first, 0):max(-first, 0) + len(part)] = part
            mel = librosa.feature.melspectrogram(
                y=chunk, sr=sr, n_fft=self.n_fft, hop_length=self.hop_length,
                n_mels=self.n_mels, fmin=self.fmin, fmax=self.fmax,
                center=False, power=2.0)
            specs.append(np.log(mel + self.eps))
        results['audio_spec'] = np.stack(specs)[:, None].astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(n_mels={self.n_mels}, '
                f'n_fft={self.n_fft}, hop_length={self.hop_length}, '
                f'fmin={self.fmin}, fmax={self.fmax}, '
                f'window_seconds={self.window_seconds})')
