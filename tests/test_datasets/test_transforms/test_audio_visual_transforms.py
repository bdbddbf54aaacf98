# Copyright (c) OpenMMLab. All rights reserved.
"""Audio-visual decoding, log-mel alignment and bad input."""
import numpy as np
import pytest
from adamml_helpers import frame_index_video, second_half_tone
from mmaction.registry import TRANSFORMS

import mmtin  # noqa: F401
from mmtin.datasets.synthetic.audio_visual import write_av_video

FPS, FRAMES, SR, TONE = 8, 16, 16000, 1000.0
N_MELS = 40


@pytest.fixture(scope='module')
def tone_video(tmp_path_factory):
    """16 frames (grey level 10 * i) at 8 fps; a 1 kHz tone from 1 s on."""
    path = tmp_path_factory.mktemp('av') / 'tone.mp4'
    write_av_video(str(path), frame_index_video(FRAMES), FPS,
                   second_half_tone(FRAMES / FPS, SR, TONE), SR)
    return str(path)


@pytest.fixture(scope='module')
def silent_video(tmp_path_factory):
    path = tmp_path_factory.mktemp('av') / 'no_audio.mp4'
    write_av_video(str(path), frame_index_video(8), FPS, None)
    return str(path)


def _pipeline(missing_audio='error', test_mode=True, n_mels=N_MELS):
    cfgs = [
        dict(type='PyAVInit'),
        dict(type='SampleMultiModalSegments', num_segments=4, clip_len=2,
             test_mode=test_mode),
        dict(type='DecodeAudioVisual', sample_rate=SR,
             missing_audio=missing_audio),
        dict(type='AudioLogMel', n_mels=n_mels, n_fft=512, hop_length=160),
        dict(type='FormatAudioVisualInputs'),
    ]
    return [TRANSFORMS.build(c) for c in cfgs]


def _run(pipeline, filename):
    results = dict(filename=filename, label=0, start_index=0,
                   modality='RGB')
    for t in pipeline:
        results = t(results)
    return results


def test_tone_lands_in_its_mel_bin_in_the_second_half(tone_video):
    out = _run(_pipeline(), tone_video)
    spec = out['audio']
    assert spec.shape[:2] == (4, 1) and spec.shape[2] == N_MELS
    # independent reference: librosa's mel band centres (Slaney scale,
    # as melspectrogram uses), nearest to the tone
    import librosa
    centres = librosa.mel_frequencies(N_MELS + 2, fmin=0.0, fmax=SR / 2)
    expected_bin = int(np.argmin(np.abs(centres[1:-1] - TONE)))
    energy = spec[:, 0].max(axis=(1, 2))
    # segments 0, 1 cover 0-1 s (silence); 2, 3 cover 1-2 s (the tone)
    assert energy[2] > energy[0] + 10 and energy[3] > energy[1] + 10
    for s in (2, 3):
        peak = spec[s, 0].mean(1).argmax()
        assert abs(int(peak) - expected_bin) <= 0, (peak, expected_bin)
    np.testing.assert_allclose(out['segment_seconds'],
                               [[0, .5], [.5, 1], [1, 1.5], [1.5, 2]])


def test_modalities_are_aligned_in_time(tone_video):
    out = _run(_pipeline(), tone_video)
    inds = out['frame_inds'].reshape(4, 2)
    windows = out['segment_windows']
    for s in range(4):  # the clip of segment s lies in its window
        assert windows[s, 0] <= inds[s, 0] and inds[s, 1] < windows[s, 1]
        assert inds[s, 1] == inds[s, 0] + 1
    # decoded pixels are the frames asked for (grey level 10 * index)
    rgb, motion = out['rgb'], out['motion']
    assert rgb.shape == (4, 3, 32, 32) and motion.shape == (4, 2, 3, 32, 32)
    levels = motion.reshape(4, 2, -1).mean(-1)
    np.testing.assert_allclose(levels, inds * 10, atol=2)
    np.testing.assert_allclose(rgb.reshape(4, -1).mean(-1), inds[:, 0] * 10,
                               atol=2)


def test_training_offsets_stay_in_their_segment():
    sampler = TRANSFORMS.build(
        dict(type='SampleMultiModalSegments', num_segments=3, clip_len=3))
    np.random.seed(0)
    for total in (9, 20, 31):
        for _ in range(20):
            out = sampler(dict(total_frames=total))
            inds = out['frame_inds'].reshape(3, 3)
            lo = np.floor(np.arange(3) * total / 3)
            hi = np.floor(np.arange(1, 4) * total / 3)
            assert (inds[:, 0] >= lo).all() and (inds[:, -1] < hi).all()


def test_missing_audio_error_names_the_file(silent_video):
    with pytest.raises(ValueError, match='no_audio.mp4.*no audio track'):
        _run(_pipeline('error'), silent_video)


def test_missing_audio_silence_is_counted(silent_video):
    pipeline = _pipeline('silence')
    with pytest.warns(UserWarning, match='no_audio.mp4'):
        out = _run(pipeline, silent_video)
    assert out['audio_missing'] is True
    assert pipeline[2].num_silenced == 1
    assert np.all(out['audio_wave'] == 0)
    assert out['audio'].shape[0] == 4


def test_bad_config_is_named():
    with pytest.raises(ValueError, match='missing_audio'):
        TRANSFORMS.build(dict(type='DecodeAudioVisual', missing_audio='x'))
    with pytest.raises(ValueError, match='modalities'):
        TRANSFORMS.build(
            dict(type='FormatAudioVisualInputs', modalities=('rgb', 'flow')))
    with pytest.raises(ValueError, match='num_segments'):
        TRANSFORMS.build(
            dict(type='SampleMultiModalSegments', num_segments=0))
