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


# --------------------------------------------------------------------------
# Axes of variation and named variants (#24 item 1)
# --------------------------------------------------------------------------
from mmtin.datasets.synthetic.audio_visual import (  # noqa
    AXES, VARIANTS, render_sample)

# sha256 (first 16 hex digits) of render_sample's (frames, wave) bytes for
# labels 0..3 drawn in turn from one default_rng(0) (other arguments
# default; then the same with picture_audio='noise'), computed with the
# code of commit f07df77, before the axes existed: the defaults must
# reproduce them byte for byte.
ORIGINAL_HASHES = {
    'random_tone': ('997d8a0f448b26ef', 'abf2f3debb26cd11',
                    'db0e652ca8e18163', 'b116421749a0a64b'),
    'noise': ('46c465aa154abbe3', 'd5040ca0501101ad', '613a60369b3f0db7',
              '9b160d96c17d1ba5'),
}
RATE = 16000


def _sha(*arrays):
    import hashlib
    digest = hashlib.sha256()
    for a in arrays:
        digest.update(np.ascontiguousarray(a).tobytes())
    return digest.hexdigest()[:16]


@pytest.mark.parametrize('picture_audio', ['random_tone', 'noise'])
@pytest.mark.parametrize('axes', [{}, VARIANTS['dev']])
def test_defaults_reproduce_the_original_samples(picture_audio, axes):
    rng = np.random.default_rng(0)
    got = tuple(
        _sha(*render_sample(rng, label, picture_audio=picture_audio,
                            **axes)[:2]) for label in range(4))
    assert got == ORIGINAL_HASHES[picture_audio]


def test_registry_has_dev_and_held_out_variants_on_several_axes():
    assert 'dev' in VARIANTS and len(VARIANTS) >= 4
    for name, axes in VARIANTS.items():
        assert set(axes) == set(AXES), name
        if name != 'dev':
            assert all(axes[a] != VARIANTS['dev'][a] for a in AXES), name


def _sound_feature(sound, wave):
    """A number that is small for sound kind 0 and large for kind 1."""
    spec = np.abs(np.fft.rfft(wave))
    freq = np.fft.rfftfreq(len(wave), 1 / RATE)
    if sound == 'steady':  # the pitch
        return freq[spec.argmax()]
    if sound == 'noise_burst':  # the spectral centroid
        return (freq * spec**2).sum() / (spec**2).sum()
    if sound == 'sweep':  # octaves from the end's pitch to the start's
        q = len(wave) // 8
        a, b = (np.abs(np.fft.rfft(w)) for w in (wave[:q], wave[-q:]))
        f = np.fft.rfftfreq(q, 1 / RATE)
        return np.log2(f[a.argmax()] / f[b.argmax()])  # falling: kind 1
    # rhythm: onsets of the envelope per second
    env = np.abs(wave).reshape(-1, 80).max(1) > 0.15  # 5 ms blocks
    return np.count_nonzero(env[1:] & ~env[:-1]) / (len(wave) / RATE)


@pytest.mark.parametrize('sound', AXES['sound'])
@pytest.mark.parametrize('picture', AXES['picture'])
def test_sound_classes_by_sound_and_picture_classes_by_picture(
        sound, picture):
    """Same seed: the two sound classes get the very same frames and
    different sounds that a simple feature separates; the two picture
    classes get the same sound and different frames."""
    kw = dict(size=32, frames=16, sound=sound, picture=picture)
    feats = {0: [], 1: []}
    for seed in range(4):
        (f2, w2, k2), (f3, w3, k3) = (
            render_sample(np.random.default_rng(seed), label, **kw)
            for label in (2, 3))
        assert (k2, k3) == (0, 1)
        assert (f2 == f3).all() and not np.array_equal(w2, w3)
        feats[0].append(_sound_feature(sound, w2))
        feats[1].append(_sound_feature(sound, w3))
        (f0, w0, _), (f1, w1, _) = (
            render_sample(np.random.default_rng(seed), label, **kw)
            for label in (0, 1))
        assert np.array_equal(w0, w1) and not (f0 == f1).all()
        assert not (f0[0] == f2[0]).all()  # green/diamond/checks differ
        # the picture classes' sound is one of the two sound kinds
        feat = _sound_feature(sound, w0)
        assert min(abs(feat - feats[0][-1]), abs(feat - feats[1][-1])) < \
            0.25 * abs(feats[1][-1] - feats[0][-1])
    assert max(feats[0]) < min(feats[1]), feats


def test_variant_in_meta_and_explicit_axes_override(tmp_path):
    meta = generate_audio_visual_dataset(
        str(tmp_path), num_per_class=3, frames=4, size=32,
        variant='sweep_shape', picture='pattern')
    expected = dict(VARIANTS['sweep_shape'], picture='pattern')
    assert meta['variant'] == 'sweep_shape'
    assert meta['variant_axes'] == expected
    on_disk = json.loads((tmp_path / 'meta.json').read_text())
    assert on_disk['variant_axes'] == expected
    assert on_disk['classes'] == [
        'rows', 'columns', 'checks_rising_sweep', 'checks_falling_sweep']
    assert (tmp_path / 'label_map.txt').read_text().split() == \
        on_disk['classes']


@pytest.mark.parametrize('kwargs, name', [
    (dict(variant='nope'), 'variant'),
    (dict(sound='music'), 'sound'),
    (dict(picture='video'), 'picture'),
])
def test_bad_axis_values_are_named(tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=f'{name} must be one of'):
        generate_audio_visual_dataset(str(tmp_path), **kwargs)
    assert not (tmp_path / 'meta.json').exists()


@pytest.mark.parametrize('name', list(VARIANTS))
def test_each_variant_is_reproducible_from_its_seed(name):
    def draw(seed):
        return render_sample(np.random.default_rng(seed), 1, frames=4,
                    **VARIANTS[name])[0]
    assert np.array_equal(draw(3), draw(3))
    assert not np.array_equal(draw(3), draw(4))
