# Copyright (c) OpenMMLab. All rights reserved.
"""Real media for the tests, written with PyAV (no files outside the repo).

:func:`write_media_set` writes the files the tests read, under the names and
with the properties of the project's shared sample videos (``demo.mp4``:
H.264, 280 frames at 28 fps; ``test.mp4``: H.264, 300 frames at 30 fps;
``test.avi``: MPEG-4 part 2, 164 frames at 25 fps), plus ``test.webm``
(VP9, when this PyAV can encode it) and ``audio.mp4`` (H.264 with an AAC
audio track), and a 400-line ``label_map_k400.txt``.
"""
from fractions import Fraction
from pathlib import Path

import numpy as np

NUM_LABELS = 400

# name -> (codec, container format, width, height, frames, fps, pix_fmt)
VIDEOS = {
    'demo.mp4': ('libx264', 'mp4', 340, 256, 280, 28, 'yuv420p'),
    'test.mp4': ('libx264', 'mp4', 340, 256, 300, 30, 'yuv420p'),
    'test.avi': ('mpeg4', 'avi', 320, 240, 164, 25, 'yuv420p'),
    'test.webm': ('libvpx-vp9', 'webm', 64, 48, 12, 12, 'yuv420p'),
    'audio.mp4': ('libx264', 'mp4', 64, 64, 20, 10, 'yuv420p'),
}
FAST_OPTIONS = {
    'libx264': dict(preset='ultrafast', threads='1'),
    'libvpx-vp9': dict(deadline='realtime', speed='8', threads='1'),
    'mpeg4': dict(threads='1'),
}


def can_encode(codec: str) -> bool:
    """Whether this PyAV build has an encoder called ``codec``."""
    import av
    try:
        av.codec.Codec(codec, 'w')
    except Exception:  # av.codec.codec.UnknownCodecError and friends
        return False
    return True


def moving_frames(width: int, height: int, num_frames: int, seed: int = 0):
    """Yield ``uint8 [H, W, 3]`` frames: a textured background under a
    square that moves right by 3 px a frame (so frames differ)."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(32, 224, (height // 16 + 1, width // 16 + 1, 3),
                          dtype=np.uint8)
    background = coarse.repeat(16, 0).repeat(16, 1)[:height, :width]
    side = max(8, min(width, height) // 4)
    colour = rng.integers(0, 256, 3, dtype=np.uint8)
    for t in range(num_frames):
        frame = np.roll(background, t, axis=1).copy()
        x = (3 * t) % max(1, width - side)
        y = (height - side) // 2
        frame[y:y + side, x:x + side] = colour
        yield frame


def write_video(path, codec: str, fmt: str, width: int, height: int,
                num_frames: int, fps: int, pix_fmt: str = 'yuv420p',
                audio: bool = False, seed: int = 0) -> Path:
    """Encode :func:`moving_frames` into ``path`` (plus a 440 Hz AAC tone
    when ``audio``)."""
    import av
    path = Path(path)
    with av.open(str(path), 'w', format=fmt) as out:
        stream = out.add_stream(codec, rate=fps,
                                options=FAST_OPTIONS.get(codec, {}))
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        a_stream = out.add_stream('aac', rate=16000) if audio else None
        for i, array in enumerate(
                moving_frames(width, height, num_frames, seed)):
            frame = av.VideoFrame.from_ndarray(array, format='rgb24')
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
        if a_stream is not None:
            _write_tone(out, a_stream, seconds=num_frames / fps)
    return path


def _write_tone(out, stream, seconds: float, rate: int = 16000):
    import av
    samples = int(seconds * rate)
    t = np.arange(samples) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    chunk = 1024
    for start in range(0, samples, chunk):
        part = tone[None, start:start + chunk]
        frame = av.AudioFrame.from_ndarray(part, format='fltp', layout='mono')
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        out.mux(stream.encode(frame))
    out.mux(stream.encode())


def write_label_map(path) -> Path:
    """A Kinetics-400-sized label map: ``NUM_LABELS`` distinct names."""
    path = Path(path)
    path.write_text(''.join(f'action_{i:03d}\n' for i in range(NUM_LABELS)))
    return path


def write_media_set(root) -> Path:
    """Write ``root/data/videos/*`` and ``root/data/label_map_k400.txt``
    (the layout of the project's shared folder); returns ``root``."""
    root = Path(root)
    videos = root / 'data' / 'videos'
    videos.mkdir(parents=True, exist_ok=True)
    for seed, (name, spec) in enumerate(VIDEOS.items()):
        codec, fmt, width, height, frames, fps, pix_fmt = spec
        if not can_encode(codec):
            continue  # e.g. a PyAV without libvpx: no webm sample
        write_video(videos / name, codec, fmt, width, height, frames, fps,
                    pix_fmt, audio=name == 'audio.mp4', seed=seed)
    write_label_map(root / 'data' / 'label_map_k400.txt')
    return root
