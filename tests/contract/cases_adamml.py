# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for AdaMML: recognizer, policy, fusion, transforms."""
import os.path as osp
import tempfile

import numpy as np
import torch

from adamml_helpers import (frame_index_video, second_half_tone,  # noqa
                            tiny_inputs, tiny_model_cfg, tiny_policy)

_VIDEO = {}


def _video():
    if 'path' not in _VIDEO:
        from mmtin.datasets.synthetic.audio_visual import write_av_video
        path = osp.join(tempfile.mkdtemp(), 'contract.mp4')
        write_av_video(path, frame_index_video(8), 8,
                       second_half_tone(1.0, 8000, 1000.0), 8000)
        _VIDEO['path'] = path
    return _VIDEO['path']


def _opened():
    import av
    container = av.open(_video())
    return dict(filename=_video(), video_reader=container,
                total_frames=container.streams.video[0].frames,
                frame_inds=np.array([0, 1, 4, 5]),
                segment_windows=np.array([[0., 4.], [4., 8.]]))


def _policy_inputs():
    x = tiny_inputs(num=1, seg=2)
    return (dict(rgb=x['rgb'].flatten(0, 1), audio=x['audio'].flatten(0, 1),
                 motion=x['motion'][:, :, 0].flatten(0, 1)), 2)


def _check_segments(out):
    assert out['frame_inds'].shape == (3 * 2, )
    assert out['segment_windows'].shape == (3, 2)


def _check_decoded(out):
    assert len(out['imgs']) == 4 and out['audio_wave'].ndim == 1


def _check_spec(out):
    assert out['audio_spec'].shape[:3] == (2, 1, 16)


def _check_format(out):
    assert out['rgb'].shape == (2, 3, 8, 8)
    assert out['motion'].shape == (2, 2, 3, 8, 8)


CASES = {
    'AdaMMLRecognizer':
    dict(
        cfg=tiny_model_cfg(),
        inputs=lambda: (tiny_inputs(num=2, seg=2), ),
        call=lambda m, x: m(x, mode='tensor')),
    'AdaMMLPolicy':
    dict(
        cfg=dict(tiny_policy(), modalities=('rgb', 'audio', 'motion')),
        inputs=_policy_inputs),
    'AdaMMLEfficiencyLoss':
    dict(
        cfg=dict(type='AdaMMLEfficiencyLoss', cost_weights=[0.5, 0.05, 0.8]),
        inputs=lambda: (torch.rand(2, 4, 3, requires_grad=True),
                        torch.randn(2, 5), torch.tensor([0, 3]))),
    'LearnableLateFusion':
    dict(
        cfg=dict(type='LearnableLateFusion', num_modalities=3),
        inputs=lambda: (torch.randn(2, 4, 3, 5), )),
    'SampleMultiModalSegments':
    dict(
        cfg=dict(type='SampleMultiModalSegments', num_segments=3,
                 clip_len=2),
        inputs=lambda: (dict(total_frames=20), ),
        check=_check_segments),
    'DecodeAudioVisual':
    dict(
        cfg=dict(type='DecodeAudioVisual', sample_rate=8000),
        inputs=lambda: (_opened(), ),
        check=_check_decoded),
    'AudioLogMel':
    dict(
        cfg=dict(type='AudioLogMel', n_mels=16, n_fft=256, hop_length=128),
        inputs=lambda: (dict(audio_wave=np.random.randn(8000).astype(
            np.float32), audio_sample_rate=8000,
            segment_seconds=np.array([[0., .5], [.5, 1.]])), ),
        check=_check_spec),
    'FormatAudioVisualInputs':
    dict(
        cfg=dict(type='FormatAudioVisualInputs'),
        inputs=lambda: (dict(
            imgs=[np.zeros((8, 8, 3), np.uint8)] * 4, num_clips=2,
            clip_len=2, audio_spec=np.zeros((2, 1, 16, 4), np.float32)), ),
        check=_check_format),
}
