# Copyright (c) OpenMMLab. All rights reserved.
"""A tiny audio-visual dataset: some classes need the picture, some the sound.

Every video shows a coloured square sliding over a textured background
(the same motion distribution in every class) and carries a mono AAC audio
track:

* class 0 ``red_square`` and class 1 ``blue_square``: decided by the
  picture alone; their sound tells red from blue in no way. With
  ``picture_audio='random_tone'`` (default) it is a low or a high tone at
  random, with ``'noise'`` broadband noise;
* class 2 ``green_low_tone`` and class 3 ``green_high_tone``: the very same
  kind of green-square picture; only the tone (low vs high, plus a little
  noise) decides.

So red vs blue needs the picture and low vs high the sound, and the
RGB-difference motion carries no class information at all. With
``'random_tone'`` a tone alone is ambiguous (it may come with any colour),
so the sound classes need to know both the colour and the tone; with
``'noise'`` a tone means green, so the sound alone decides them.

That is the ``dev`` variant. **Axes of variation** (keyword arguments of
:func:`render_sample` and :func:`generate_audio_visual_dataset`; ``AXES``)
change what the two sounds and the pictures are, never which modality
decides which class (for one seed, classes 2 and 3 get the same frames and
classes 0 and 1 the same sound; ``picture_audio`` stays its own option):

* ``sound``: the two sounds of classes 2 (kind 0) and 3 (kind 1):
  ``'steady'`` (a low vs a high tone, as above), ``'sweep'`` (a rising vs
  a falling chirp between the two tones), ``'rhythm'`` (beeps of one pitch,
  2 vs 4 a second) or ``'noise_burst'`` (bursts of low- vs high-band
  noise, 3 a second); ``'random_tone'`` picture classes get one of the
  two at random;
* ``picture``: ``'colour'`` (red / blue / green square, as above),
  ``'shape'`` (one orange for all: square / disc / diamond for classes
  2 and 3) or ``'pattern'`` (one orange for all: rows / columns / checks).

**Named variants** (``VARIANTS``; ``variant=NAME``, explicit axes
override; ``meta.json`` records ``variant`` and ``variant_axes``): ``dev``
(steady, colour) is the development data; held out are ``sweep_shape``,
``rhythm_pattern``, ``bursts_shape`` and ``bursts_pattern``.
``tools/data/show_variants.py`` draws them
(``docs/audio_visual_variants.png``).

Layout written by :func:`generate_audio_visual_dataset`::

    OUT_DIR/
        videos/{train,val,test}/NNNNN.mp4   # H.264 (lossless) + AAC
        train.txt, val.txt, test.txt        # "videos/train/00000.mp4 2"
        label_map.txt, meta.json            # meta.json is written last
"""
import fractions
import itertools
import json
import os.path as osp
from typing import Optional

import numpy as np

from .labelled_splits import SPLITS, write_labelled_splits
from .audio_visual_parts import (COLOURS, PICTURES, PLAIN_COLOUR, SOUNDS,
                                 class_names, render_object, render_sound,
                                 tone)
from .variants import check_choice, resolve_variant

CLASSES = class_names('steady', 'colour')  # of ``dev``
SOUND_CLASSES = (2, 3)
#: Axes of variation.
AXES = dict(sound=SOUNDS, picture=PICTURES)
#: Named variants: ``dev`` is the original data; the others are held out.
VARIANTS = {
    'dev': dict(sound='steady', picture='colour'),
    'sweep_shape': dict(sound='sweep', picture='shape'),
    'rhythm_pattern': dict(sound='rhythm', picture='pattern'),
    'bursts_shape': dict(sound='noise_burst', picture='shape'),
    'bursts_pattern': dict(sound='noise_burst', picture='pattern'),
}
__all__ = ['AXES', 'CLASSES', 'COLOURS', 'SOUND_CLASSES', 'VARIANTS',
           'generate_audio_visual_dataset', 'render_sample', 'tone',
           'write_av_video']


def write_av_video(path: str,
                   frames: np.ndarray,
                   fps: int = 8,
                   audio: Optional[np.ndarray] = None,
                   sample_rate: int = 16000) -> None:
    """Write RGB frames (lossless H.264) and an optional mono AAC track.

    Args:
        path (str): Output ``.mp4`` file.
        frames (numpy.ndarray): ``uint8 [T, H, W, 3]``; H, W even.
        fps (int): Frame rate. Default: 8.
        audio (numpy.ndarray, optional): Mono float waveform in [-1, 1];
            None writes no audio stream. Default: None.
        sample_rate (int): Audio sample rate. Default: 16000.
    """
    import av
    height, width = frames.shape[1:3]
    with av.open(path, mode='w', format='mp4') as container:
        video = container.add_stream(
            'libx264', rate=fps,
            options=dict(crf='0', preset='veryfast', threads='1'))
        video.width, video.height, video.pix_fmt = width, height, 'yuv444p'
        sound = None
        if audio is not None:
            sound = container.add_stream('aac', rate=sample_rate)
            sound.layout = 'mono'
        for frame in frames:
            container.mux(
                video.encode(av.VideoFrame.from_ndarray(frame, 'rgb24')))
        container.mux(video.encode())
        if sound is not None:
            wave = np.asarray(audio, np.float32).reshape(-1)
            for start in range(0, len(wave), 1024):
                chunk = av.AudioFrame.from_ndarray(
                    wave[None, start:start + 1024], format='flt',
                    layout='mono')
                chunk.sample_rate, chunk.pts = sample_rate, start
                chunk.time_base = fractions.Fraction(1, sample_rate)
                container.mux(sound.encode(chunk))
            container.mux(sound.encode())


PICTURE_AUDIO = ('noise', 'random_tone')


def render_sample(rng, label: int, size: int = 32, frames: int = 16,
                  fps: int = 8, sample_rate: int = 16000,
                  tones=(500.0, 2000.0),
                  picture_audio: str = 'random_tone',
                  sound: str = 'steady', picture: str = 'colour'):
    """Frames and waveform of one video of class ``label``.

    Args:
        rng (numpy.random.Generator): Source of randomness.
        label (int): Class index in ``[0, 4)``.
        size (int): Frame side. Default: 32.
        frames (int): Number of frames. Default: 16.
        fps (int): Frame rate. Default: 8.
        sample_rate (int): Audio sample rate. Default: 16000.
        tones (tuple[float, float]): Low and high frequency (Hz).
            Default: (500.0, 2000.0).
        picture_audio (str): Sound of the picture classes, one of
            ``PICTURE_AUDIO``. Default: 'random_tone'.
        sound (str): Sound kind, one of ``SOUNDS``. Default: 'steady'.
        picture (str): Picture kind, one of ``PICTURES``.
            Default: 'colour'.

    Returns:
        tuple[numpy.ndarray, numpy.ndarray, int]: frames ``uint8 [T, size,
        size, 3]``, waveform, and the sound kind used (0 or 1; -1: no
        sound kind, the noise of a picture class).
    """
    check_choice('picture_audio', picture_audio, PICTURE_AUDIO)
    check_choice('sound', sound, SOUNDS)
    check_choice('picture', picture, PICTURES)
    coarse = rng.random((4, 4, 3)) * 0.3 + 0.35
    bg = np.kron(coarse, np.ones((size // 4, size // 4, 1)))
    bg = bg + rng.normal(0, 0.03, bg.shape)
    side = size // 3
    base = COLOURS[label] if picture == 'colour' else PLAIN_COLOUR
    colour = np.clip(np.array(base) + rng.normal(0, 0.05, 3), 0, 1)
    pixels, mask = render_object(picture, label, side, colour)
    room = size - side
    x0, y0, x1, y1 = rng.uniform(0, room, 4)
    out = np.empty((frames, size, size, 3), np.uint8)
    for i, t in enumerate(np.linspace(0, 1, frames)):
        x, y = int(round(x0 + (x1 - x0) * t)), int(round(y0 + (y1 - y0) * t))
        img = bg.copy()
        img[y:y + side, x:x + side][mask] = pixels[mask]
        out[i] = np.rint(np.clip(img, 0, 1) * 255)
    seconds = frames / fps
    if label in SOUND_CLASSES:
        which = label - SOUND_CLASSES[0]
    elif picture_audio == 'random_tone':
        which = int(rng.integers(2))
    else:  # noise: no sound kind; as loud overall as a tone (rms ~0.2)
        wave = rng.normal(0, 0.2, int(round(seconds * sample_rate)))
        return out, np.clip(wave, -1, 1).astype(np.float32), -1
    wave = render_sound(sound, rng, which, seconds, sample_rate, tones)
    wave = wave + rng.normal(0, 0.01, wave.shape).astype(np.float32)
    return out, wave, which


def generate_audio_visual_dataset(out_dir: str,
                                  num_per_class: int = 200,
                                  frames: int = 16,
                                  fps: int = 8,
                                  size: int = 32,
                                  sample_rate: int = 16000,
                                  split_ratio=(0.5, 0.1, 0.4),
                                  seed: int = 0,
                                  picture_audio: str = 'random_tone',
                                  variant: str = 'dev',
                                  sound: Optional[str] = None,
                                  picture: Optional[str] = None) -> dict:
    """Write the dataset (see the module docstring).

    Args:
        out_dir (str): Output folder.
        num_per_class (int): Videos per class over all splits. Default: 200.
        frames (int): Frames per video. Default: 16.
        fps (int): Frame rate. Default: 8.
        size (int): Frame side (even; 32 or 64 decode with decord).
            Default: 32.
        sample_rate (int): Audio sample rate. Default: 16000.
        split_ratio (tuple[float]): Train/val/test fractions.
            Default: (0.5, 0.1, 0.4).
        seed (int): Random seed. Default: 0.
        picture_audio (str): Sound of the picture classes:
            ``'random_tone'`` or ``'noise'`` (see the module docstring).
            Default: 'random_tone'.
        variant (str): A name of ``VARIANTS``; it sets every axis that is
            not given explicitly. Default: 'dev' (the original data).
        sound (str, optional): Sound kind (``AXES['sound']``).
        picture (str, optional): Picture kind (``AXES['picture']``).

    Returns:
        dict: The parameters (the variant's name and its resolved axes
        included) and per-split counts (also in meta.json).
    """
    axes = resolve_variant(VARIANTS, variant, AXES, sound=sound,
                           picture=picture)
    classes = class_names(**axes)
    if size % 2 or size < 8:
        raise ValueError(f'size must be even and >= 8, got {size}')
    check_choice('picture_audio', picture_audio, PICTURE_AUDIO)
    if num_per_class < 3:
        raise ValueError(f'num_per_class must be >= 3, got {num_per_class}')
    rng = np.random.default_rng(seed)
    counts = np.floor(np.asarray(split_ratio) * num_per_class).astype(int)
    counts[0] = num_per_class - counts[1:].sum()
    numbers = itertools.count()

    def samples(split):
        for label in range(len(classes)):
            for _ in range(per_split[split]):
                frames_, wave, _ = render_sample(
                    rng, label, size, frames, fps, sample_rate,
                    picture_audio=picture_audio, **axes)
                yield next(numbers), (frames_, wave), label

    def write(path, sample):
        write_av_video(path, sample[0], fps, sample[1], sample_rate)

    per_split = dict(zip(SPLITS, counts.tolist()))
    written = write_labelled_splits(out_dir, samples, classes, write)
    meta = dict(classes=list(classes), sound_classes=list(SOUND_CLASSES),
                num_per_class=num_per_class, frames=frames, fps=fps,
                size=size, sample_rate=sample_rate, seed=seed,
                picture_audio=picture_audio,
                counts=written, variant=variant, variant_axes=axes)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta
