# Copyright (c) OpenMMLab. All rights reserved.
"""The audio-visual generator: picture classes and sound classes."""
import json

import av
import numpy as np
import pytest

from mmtin.datasets.synthetic.audio_visual import (
    CLASSES, SOUND_CLASSES, generate_audio_visual_dataset)


def _dominant_hz(path):
    """The spectral peak (Hz) and its height over the median bin."""
    with av.open(path) as c:
        rate = c.streams.audio[0].rate
        wave = np.concatenate([
            f.to_ndarray().reshape(-1) for f in c.decode(audio=0)])
    spec = np.abs(np.fft.rfft(wave))
    return np.argmax(spec) * rate / len(wave), spec.max() / np.median(spec)


def _mean_colour(path):
    with av.open(path) as c:
        frame = next(c.decode(video=0)).to_ndarray(format='rgb24')
    return frame.reshape(-1, 3).astype(float)


@pytest.mark.parametrize('picture_audio', ['noise', 'random_tone'])
def test_generator_writes_classes_decided_by_picture_or_sound(
        tmp_path, picture_audio):
    meta = generate_audio_visual_dataset(
        str(tmp_path), num_per_class=3, frames=8, size=32, seed=1,
        picture_audio=picture_audio)
    assert meta['counts'] == {'train': 8, 'val': 0, 'test': 4}
    assert meta['picture_audio'] == picture_audio
    assert json.loads((tmp_path / 'meta.json').read_text())['classes'] == \
        list(CLASSES)
    lines = [
        line.split() for split in ('train', 'val', 'test')
        for line in (tmp_path / f'{split}.txt').read_text().splitlines()
        if line
    ]
    assert len(lines) == 3 * len(CLASSES)
    for rel, label in lines:
        label = int(label)
        hz, peak = _dominant_hz(str(tmp_path / rel))
        if label in SOUND_CLASSES:  # low tone for 2, high for 3
            expected = 500.0 if label == SOUND_CLASSES[0] else 2000.0
            assert abs(hz - expected) < 0.05 * expected, (label, hz)
            assert peak > 100, (label, peak)
        elif picture_audio == 'random_tone':
            assert min(abs(hz - 500), abs(hz - 2000)) < 100
            assert peak > 100, (label, peak)
        else:  # broadband noise: no tone stands out
            assert peak < 20, (label, peak)
        # the square's colour: the most saturated pixels
        pix = _mean_colour(str(tmp_path / rel))
        sat = pix.max(1) - pix.min(1)
        dominant = pix[sat > np.percentile(sat, 90)].mean(0).argmax()
        assert dominant == {0: 0, 1: 2, 2: 1, 3: 1}[label]


def test_bad_picture_audio_is_named(tmp_path):
    with pytest.raises(ValueError, match='picture_audio'):
        generate_audio_visual_dataset(str(tmp_path), picture_audio='music')
