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
Layout written
by :func:`generate_audio_visual_dataset`::

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

CLASSES = ('red_square', 'blue_square', 'green_low_tone', 'green_high_tone')
SOUND_CLASSES = (2, 3)
COLOURS = {0: (0.9, 0.15, 0.1), 1: (0.1, 0.2, 0.9), 2: (0.1, 0.8, 0.2),
           3: (0.1, 0.8, 0.2)}


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


def tone(freq: float, seconds: float, sample_rate: int,
         amplitude: float = 0.3) -> np.ndarray:
    """A sine tone of ``freq`` Hz, ``float32``."""
    t = np.arange(int(round(seconds * sample_rate))) / sample_rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


PICTURE_AUDIO = ('noise', 'random_tone')


def _check_picture_audio(picture_audio: str) -> None:
    if picture_audio not in PICTURE_AUDIO:
        raise ValueError(f'picture_audio must be one of {PICTURE_AUDIO}, '
                         f'got {picture_audio!r}')


def render_sample(rng, label: int, size: int = 32, frames: int = 16,
                  fps: int = 8, sample_rate: int = 16000,
                  tones=(500.0, 2000.0),
                  picture_audio: str = 'random_tone'):
    """Frames and waveform of one video of class ``label``.

    Returns:
        tuple[numpy.ndarray, numpy.ndarray, int]: frames ``uint8 [T, size,
        size, 3]``, waveform, and the tone index used (0 low, 1 high; -1:
        no tone, the noise of a picture class).
    """
    _check_picture_audio(picture_audio)
    coarse = rng.random((4, 4, 3)) * 0.3 + 0.35
    bg = np.kron(coarse, np.ones((size // 4, size // 4, 1)))
    bg = bg + rng.normal(0, 0.03, bg.shape)
    side = size // 3
    colour = np.clip(np.array(COLOURS[label]) + rng.normal(0, 0.05, 3), 0, 1)
    room = size - side
    x0, y0, x1, y1 = rng.uniform(0, room, 4)
    out = np.empty((frames, size, size, 3), np.uint8)
    for i, t in enumerate(np.linspace(0, 1, frames)):
        x, y = int(round(x0 + (x1 - x0) * t)), int(round(y0 + (y1 - y0) * t))
        img = bg.copy()
        img[y:y + side, x:x + side] = colour
        out[i] = np.rint(np.clip(img, 0, 1) * 255)
    seconds = frames / fps
    if label in SOUND_CLASSES:
        which = label - SOUND_CLASSES[0]
    elif picture_audio == 'random_tone':
        which = int(rng.integers(2))
    else:  # noise: no tone; as loud overall as a tone (rms ~0.2)
        wave = rng.normal(0, 0.2, int(round(seconds * sample_rate)))
        return out, np.clip(wave, -1, 1).astype(np.float32), -1
    wave = tone(tones[which] * rng.uniform(0.97, 1.03), seconds, sample_rate)
    wave = wave + rng.normal(0, 0.01, wave.shape).astype(np.float32)
    return out, wave, which


def generate_audio_visual_dataset(out_dir: str,
                                  num_per_class: int = 50,
                                  frames: int = 16,
                                  fps: int = 8,
                                  size: int = 32,
                                  sample_rate: int = 16000,
                                  split_ratio=(0.5, 0.1, 0.4),
                                  seed: int = 0,
                                  picture_audio: str = 'random_tone') -> dict:
    """Write the dataset (see the module docstring).

    Args:
        out_dir (str): Output folder.
        num_per_class (int): Videos per class over all splits. Default: 50.
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

    Returns:
        dict: The parameters and per-split counts (also in meta.json).
    """
    if size % 2 or size < 8:
        raise ValueError(f'size must be even and >= 8, got {size}')
    _check_picture_audio(picture_audio)
    if num_per_class < 3:
        raise ValueError(f'num_per_class must be >= 3, got {num_per_class}')
    rng = np.random.default_rng(seed)
    counts = np.floor(np.asarray(split_ratio) * num_per_class).astype(int)
    counts[0] = num_per_class - counts[1:].sum()
    numbers = itertools.count()

    def samples(split):
        for label in range(len(CLASSES)):
            for _ in range(per_split[split]):
                frames_, wave, _ = render_sample(
                    rng, label, size, frames, fps, sample_rate,
                    picture_audio=picture_audio)
                yield next(numbers), (frames_, wave), label

    def write(path, sample):
        write_av_video(path, sample[0], fps, sample[1], sample_rate)

    per_split = dict(zip(SPLITS, counts.tolist()))
    written = write_labelled_splits(out_dir, samples, CLASSES, write)
    meta = dict(classes=list(CLASSES), sound_classes=list(SOUND_CLASSES),
                num_per_class=num_per_class, frames=frames, fps=fps,
                size=size, sample_rate=sample_rate, seed=seed,
                picture_audio=picture_audio,
                counts=written)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta
