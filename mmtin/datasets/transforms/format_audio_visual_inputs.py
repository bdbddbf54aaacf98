# Copyright (c) OpenMMLab. All rights reserved.
"""Split the aligned clips into one input array per modality."""
from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

MODALITY_KEYS = ('rgb', 'audio', 'motion')


@TRANSFORMS.register_module()
class FormatAudioVisualInputs(BaseTransform):
    """Arrange ``imgs`` and ``audio_spec`` per modality, segment first.

    With S segments of ``clip_len`` = K frames in ``imgs`` (segment outer):

    * ``rgb``: ``(S, 3, H, W)``, the frame at ``rgb_index`` of each clip;
    * ``motion``: ``(S, K, 3, H, W)``, all frames of each clip (the
      recognizer takes their differences with TDN's difference math);
    * ``audio``: ``(S, 1, n_mels, T)``, the segment's log-mel spectrogram.

    Pack them with ``PackActionInputs(collect_keys=modalities)``.

    Args:
        modalities (Sequence[str]): Subset of ``('rgb', 'audio',
            'motion')``. Default: ('rgb', 'audio', 'motion').
        rgb_index (int, optional): Frame of the clip used for RGB; None is
            the middle one, ``(K - 1) // 2``. Default: None.
    """

    def __init__(self,
                 modalities: Sequence[str] = MODALITY_KEYS,
                 rgb_index=None) -> None:
        bad = [m for m in modalities if m not in MODALITY_KEYS]
        if bad or not modalities:
            raise ValueError(
                f'FormatAudioVisualInputs: modalities has unknown entries '
                f'{bad}; expected a non-empty subset of {MODALITY_KEYS}')
        self.modalities = tuple(modalities)
        self.rgb_index = rgb_index

    def transform(self, results: Dict) -> Dict:
        """Add one array per modality."""
        seg, clip_len = results['num_clips'], results['clip_len']
        if 'rgb' in self.modalities or 'motion' in self.modalities:
            imgs = np.stack(results['imgs'])  # (S*K, H, W, 3)
            if imgs.shape[0] != seg * clip_len:
                raise ValueError(
                    f'FormatAudioVisualInputs: {imgs.shape[0]} frames of '
                    f'{results.get("filename", "the sample")} are not '
                    f'num_clips x clip_len = {seg} x {clip_len}')
            clips = imgs.reshape((seg, clip_len) + imgs.shape[1:])
            clips = clips.transpose(0, 1, 4, 2, 3)  # (S, K, 3, H, W)
            index = (clip_len - 1) // 2 if self.rgb_index is None \
                else self.rgb_index
            if 'rgb' in self.modalities:
                results['rgb'] = np.ascontiguousarray(clips[:, index])
            if 'motion' in self.modalities:
                if clip_len < 2:
                    raise ValueError('FormatAudioVisualInputs: the motion '
                                     'modality needs clip_len >= 2, got '
                                     f'{clip_len}')
                results['motion'] = np.ascontiguousarray(clips)
        if 'audio' in self.modalities:
            if 'audio_spec' not in results:
                raise KeyError('FormatAudioVisualInputs: no "audio_spec" '
                               'for the audio modality; run AudioLogMel '
                               'first')
            spec = results['audio_spec']
            if spec.shape[0] != seg:
                raise ValueError(
                    f'FormatAudioVisualInputs: audio_spec has {spec.shape[0]}'
                    f' segments, expected num_clips={seg}')
            results['audio'] = spec
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(modalities={self.modalities}, '
                f'rgb_index={self.rgb_index})')
