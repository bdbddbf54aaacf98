# Copyright (c) OpenMMLab. All rights reserved.
"""Reading videos and writing pictures for :mod:`mmtin.visualization`:
frames with PyAV, GIFs with Pillow, MP4s with PyAV, figures with
matplotlib's Agg backend (no display needed)."""
import os
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import numpy as np

ANIMATION_SUFFIXES = ('.gif', '.mp4')


def read_frames(video: str, max_frames: Optional[int] = None
                ) -> Tuple[List[np.ndarray], float]:
    """Decode a video into RGB frames.

    Args:
        video (str): Video file.
        max_frames (int, optional): Stop after this many frames.
            Default: None (all).

    Returns:
        tuple[list[np.ndarray], float]: ``[H, W, 3]`` uint8 frames and the
        frame rate.
    """
    import av
    if not osp.isfile(video):
        raise FileNotFoundError(f'video not found: {video}')
    frames = []
    with av.open(video) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or 25)
        for frame in container.decode(stream):
            frames.append(frame.to_ndarray(format='rgb24'))
            if max_frames is not None and len(frames) >= max_frames:
                break
    if not frames:
        raise ValueError(f'video {video} has no frames')
    return frames, fps


def check_out(out: str, suffixes: Sequence[str], kind: str) -> str:
    """``out`` if it ends with one of ``suffixes``, else a ValueError
    naming the kind; its folder is created."""
    if not str(out).lower().endswith(tuple(suffixes)):
        raise ValueError(f'{kind}: --out must end with one of '
                         f'{list(suffixes)}, got {out!r}')
    folder = osp.dirname(osp.abspath(out))
    os.makedirs(folder, exist_ok=True)
    return str(out)


def beside(out: str, suffix: str) -> str:
    """``out`` with its extension replaced by ``suffix``."""
    return osp.splitext(out)[0] + suffix


def new_figure(width_px: int, height_px: int, dpi: int = 100):
    """A matplotlib figure of exactly ``width_px x height_px`` pixels
    (Agg backend, not attached to pyplot's state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def figure_to_rgb(fig) -> np.ndarray:
    """The ``[H, W, 3]`` uint8 pixels of a drawn figure."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


def save_figure(fig, out: str) -> str:
    """Save ``fig`` as an RGB PNG of its exact pixel size; returns
    ``out``."""
    from PIL import Image
    Image.fromarray(figure_to_rgb(fig)).save(out, format='PNG',
                                             optimize=True)
    return out


def write_animation(frames: Sequence[np.ndarray], out: str,
                    fps: float = 4.) -> str:
    """Write RGB frames as a GIF (Pillow) or an H.264 MP4 (PyAV).

    Args:
        frames (Sequence[np.ndarray]): ``[H, W, 3]`` uint8 frames of one
            size (even sides for MP4).
        out (str): ``*.gif`` or ``*.mp4``.
        fps (float): Frames per second. Default: 4.

    Returns:
        str: ``out``.
    """
    if not frames:
        raise ValueError('write_animation: no frames')
    if out.lower().endswith('.gif'):
        from PIL import Image
        images = [Image.fromarray(f) for f in frames]
        images[0].save(out, save_all=True, append_images=images[1:],
                       duration=int(round(1000 / fps)), loop=0)
        return out
    if not out.lower().endswith('.mp4'):
        raise ValueError(f'write_animation: out must be .gif or .mp4, got '
                         f'{out!r}')
    import av
    from fractions import Fraction
    h, w = frames[0].shape[:2]
    with av.open(out, 'w', format='mp4') as container:
        stream = container.add_stream(
            'libx264', rate=Fraction(fps).limit_denominator(1000),
            options=dict(preset='ultrafast', threads='1'))
        stream.width, stream.height = w - w % 2, h - h % 2
        stream.pix_fmt = 'yuv420p'
        for array in frames:
            frame = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(array[:h - h % 2, :w - w % 2]),
                format='rgb24')
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return out


def load_labels(path: Optional[str]) -> Optional[List[str]]:
    """Class names, one a line (a label map), or None."""
    if path is None:
        return None
    if not osp.isfile(path):
        raise FileNotFoundError(f'--labels: label map not found: {path}')
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def class_name(index: int, labels: Optional[Sequence[str]]) -> str:
    """``labels[index]`` if there is one, else ``'class <index>'``."""
    if labels is not None and 0 <= index < len(labels):
        return labels[index]
    return f'class {index}'
