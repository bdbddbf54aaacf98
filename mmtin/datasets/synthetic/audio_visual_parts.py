# Copyright (c) OpenMMLab. All rights reserved.
"""Sounds and pictures of the audio-visual dataset, one renderer per value
of its axes ``sound`` (``SOUNDS``) and ``picture`` (``PICTURES``); see
:mod:`.audio_visual` for what each looks and sounds like.

A sound renderer draws the same random numbers whichever of its two kinds
(``which``: 0 or 1) it renders, and a picture renderer the same whatever
the class, so one class's draws never shift another's.
"""
import numpy as np

SOUNDS = ('steady', 'sweep', 'rhythm', 'noise_burst')
PICTURES = ('colour', 'shape', 'pattern')
#: object colour per class for the ``'colour'`` picture
COLOURS = {0: (0.9, 0.15, 0.1), 1: (0.1, 0.2, 0.9), 2: (0.1, 0.8, 0.2),
           3: (0.1, 0.8, 0.2)}
#: one object colour for every class of the ``'shape'`` and ``'pattern'``
#: pictures (only the form decides)
PLAIN_COLOUR = (0.9, 0.6, 0.1)


_PICTURE_NAMES = dict(colour=('red_square', 'blue_square', 'green'),
                      shape=('square', 'disc', 'diamond'),
                      pattern=('rows', 'columns', 'checks'))
_SOUND_NAMES = dict(steady=('low_tone', 'high_tone'),
                    sweep=('rising_sweep', 'falling_sweep'),
                    rhythm=('slow_beeps', 'fast_beeps'),
                    noise_burst=('low_bursts', 'high_bursts'))


def class_names(sound, picture):
    """The 4 class names of a ``sound`` x ``picture`` setting (``('red_square',
    'blue_square', 'green_low_tone', 'green_high_tone')`` for ``dev``)."""
    first, second, shared = _PICTURE_NAMES[picture]
    return (first, second) + tuple(f'{shared}_{name}'
                                   for name in _SOUND_NAMES[sound])


def tone(freq: float, seconds: float, sample_rate: int,
         amplitude: float = 0.3) -> np.ndarray:
    """A sine tone of ``freq`` Hz, ``float32``."""
    t = np.arange(int(round(seconds * sample_rate))) / sample_rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def render_sound(sound, rng, which, seconds, sample_rate, tones,
                 amplitude=0.3):
    """One of the two sounds (``which``: 0 or 1) of kind ``sound``.

    Args:
        sound (str): One of ``SOUNDS``.
        rng (numpy.random.Generator): Source of randomness.
        which (int): 0 or 1, the sound class's kind.
        seconds (float): Duration.
        sample_rate (int): Samples per second.
        tones (tuple[float, float]): The low and the high frequency (Hz).
        amplitude (float): Peak amplitude. Default: 0.3.

    Returns:
        numpy.ndarray: ``float32`` waveform.
    """
    low, high = tones
    if sound == 'steady':  # a low vs a high tone
        return tone(tones[which] * rng.uniform(0.97, 1.03), seconds,
                    sample_rate, amplitude)
    t = np.arange(int(round(seconds * sample_rate))) / sample_rate
    jitter = rng.uniform(0.97, 1.03)
    if sound == 'sweep':  # rising (0) vs falling (1) between the tones
        f0, f1 = (low, high) if which == 0 else (high, low)
        phase = f0 * t + (f1 - f0) * t**2 / (2 * seconds)
        wave = amplitude * np.sin(2 * np.pi * jitter * phase)
    elif sound == 'rhythm':  # 2 (0) vs 4 (1) beeps a second, one pitch
        rate, offset = (2.0, 4.0)[which], rng.uniform(0, 1)
        gate = (t * rate + offset) % 1 < 0.5
        wave = amplitude * gate * np.sin(2 * np.pi * jitter *
                                         np.sqrt(low * high) * t)
    else:  # noise_burst: 3 bursts a second of low (0) vs high (1) noise
        offset = rng.uniform(0, 1)
        spec = np.fft.rfft(rng.normal(size=t.size))
        freq = np.fft.rfftfreq(t.size, 1 / sample_rate)
        centre = tones[which] * jitter
        spec[(freq < centre / 2) | (freq > centre * 2)] = 0
        noise = np.fft.irfft(spec, t.size)
        noise *= amplitude / max(np.abs(noise).max(), 1e-12)
        wave = noise * ((t * 3 + offset) % 1 < 0.5)
    return wave.astype(np.float32)


def render_object(picture, label, side, colour):
    """The square's ``[side, side, 3]`` pixels and its ``[side, side]``
    mask (False: background shows through).

    Args:
        picture (str): One of ``PICTURES``.
        label (int): The class; classes 2 and 3 get the same object.
        side (int): Side of the object's box.
        colour (numpy.ndarray): RGB of the object.
    """
    yy, xx = np.mgrid[:side, :side] - (side - 1) / 2
    mask = np.ones((side, side), bool)
    lit = mask
    if picture == 'shape':  # square, disc, diamond (classes 2 and 3)
        mask = (mask, np.hypot(yy, xx) <= side / 2,
                np.abs(yy) + np.abs(xx) <= side / 2)[min(label, 2)]
    elif picture == 'pattern':  # rows, columns, checks (classes 2 and 3)
        yy, xx = np.mgrid[:side, :side] // 2 % 2
        lit = (yy == 0, xx == 0, yy == xx)[min(label, 2)]
    pixels = np.where(lit[..., None], colour, 0.3 * np.asarray(colour))
    return np.broadcast_to(pixels, (side, side, 3)), mask
