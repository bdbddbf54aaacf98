# Copyright (c) OpenMMLab. All rights reserved.
"""The one loop that writes a synthetic dataset's labelled videos into
train/val/test splits, shared by every generator in
:mod:`mmtin.datasets.synthetic`.

Layout::

    OUT_DIR/
        videos/{train,val,test}/NNNNN.mp4
        train.txt, val.txt, test.txt   # "videos/train/00000.mp4 1" lines
        label_map.txt                  # one class name per line
"""
import itertools
import os
import os.path as osp
from typing import Any, Callable, Dict, Iterable, Sequence, Tuple

import numpy as np

SPLITS = ('train', 'val', 'test')

#: ``samples(split)`` yields ``(file number, video, label)``
Samples = Callable[[str], Iterable[Tuple[int, Any, int]]]


def write_labelled_splits(out_dir: str,
                          samples: Samples,
                          classes: Sequence[str],
                          write: Callable[[str, Any], None],
                          check: Callable[[str], None] = None
                          ) -> Dict[str, int]:
    """Write every split's videos, annotation list and the label map.

    Args:
        out_dir (str): Output folder (created if needed).
        samples (callable): ``samples(split)`` yields ``(number, video,
            label)``, written to ``videos/SPLIT/NNNNN.mp4`` (``number``
            zero-padded to 5 digits). Splits are asked for in
            :data:`SPLITS` order and each is consumed before the next.
        classes (Sequence[str]): Class names, in label order.
        write (callable): ``write(path, video)`` writes one file.
        check (callable, optional): ``check(path)`` runs on the first file
            written (e.g. :func:`check_decodes`). Default: None.

    Returns:
        dict: The number of videos written per split.
    """
    counts = {}
    for split in SPLITS:
        os.makedirs(osp.join(out_dir, 'videos', split), exist_ok=True)
        lines = []
        for number, video, label in samples(split):
            rel = f'videos/{split}/{number:05d}.mp4'
            write(osp.join(out_dir, rel), video)
            if check is not None:
                check(osp.join(out_dir, rel))
                check = None
            lines.append(f'{rel} {label}')
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.write(''.join(line + '\n' for line in lines))
        counts[split] = len(lines)
    with open(osp.join(out_dir, 'label_map.txt'), 'w') as f:
        f.write(''.join(name + '\n' for name in classes))
    return counts


def split_sizes(num_videos: int, val_ratio: float, test_ratio: float,
                min_videos: int = 1) -> Dict[str, int]:
    """Videos per split: ``round(num_videos * ratio)`` for val and test,
    the rest for train.

    Args:
        num_videos (int): Videos over all splits.
        val_ratio (float): Fraction for val.
        test_ratio (float): Fraction for test.
        min_videos (int): Fewest videos a split may hold (e.g. one per
            class). Default: 1.

    Returns:
        dict: ``{'train': n, 'val': n, 'test': n}``.
    """
    n_val = int(round(num_videos * val_ratio))
    n_test = int(round(num_videos * test_ratio))
    sizes = dict(train=num_videos - n_val - n_test, val=n_val, test=n_test)
    if min(sizes.values()) < min_videos:
        what = ('an empty split' if min_videos == 1 else
                f'a split with fewer than {min_videos} videos')
        raise ValueError(f'num_videos={num_videos} leaves {what}: {sizes}')
    return sizes


def seeded_samples(sizes: Dict[str, int],
                   render: Callable[[np.random.Generator, int, int],
                                    Tuple[np.ndarray, int]],
                   seed: int) -> Samples:
    """``samples`` of one video per sample with its own generator.

    Sample ``index`` (counted over all splits) gets
    ``default_rng([seed, index])``; ``render(rng, index, k)`` (``k``: the
    position in its split, also its file number) returns ``(uint8 frames
    [T, H, W, 3], label)``.

    Args:
        sizes (dict): Videos per split.
        render (callable): See above.
        seed (int): Random seed.

    Returns:
        callable: For :func:`write_labelled_splits`.
    """
    counter = itertools.count()

    def samples(split):
        for k in range(sizes[split]):
            index = next(counter)
            clip, label = render(np.random.default_rng([seed, index]), index,
                                 k)
            yield k, clip, label

    return samples


def write_video(path, frames, fps=8):
    """Write ``uint8 [T, H, W, 3]`` RGB frames as lossless H.264 mp4.

    Args:
        path (str): Output ``.mp4`` file.
        frames (numpy.ndarray): RGB frames; H and W must be even.
        fps (int): Frame rate. Default: 8.
    """
    import av  # PyAV; imported here so that mmtin does not need it

    height, width = frames.shape[1:3]
    with av.open(path, mode='w', format='mp4') as container:
        stream = container.add_stream(
            'libx264',
            rate=fps,
            options=dict(crf='0', preset='veryfast', threads='1'))
        stream.width, stream.height = width, height
        stream.pix_fmt = 'yuv444p'
        for frame in frames:
            video_frame = av.VideoFrame.from_ndarray(frame, format='rgb24')
            container.mux(stream.encode(video_frame))
        container.mux(stream.encode())


def check_decodes(path, frames, size):
    """Fail early if decord cannot read the written videos back.

    decord 0.6.0 fails on some frame sizes (16, 24, 48 and 72 among the even
    sizes up to 128) with "DECORDArrayCopyFromTo: The size must exactly
    match".
    """
    try:
        import decord
    except ImportError:  # nothing to check against
        return
    try:
        reader = decord.VideoReader(path)
        shape = reader.get_batch([0]).shape
        num_frames = len(reader)
    except Exception as err:  # decord raises its own DECORDError
        raise ValueError(
            f'size={size}: decord cannot decode the videos written at this '
            f'frame size ({err.__class__.__name__}: '
            f'{(str(err).splitlines() or [""])[-1][-80:]}); choose another '
            'size, e.g. 32, 64 or 96') from err
    if num_frames != frames or tuple(shape[1:]) != (size, size, 3):
        raise ValueError(
            f'decord read {num_frames} frames of {tuple(shape[1:])} from '
            f'{path}, expected {frames} of {(size, size, 3)}')
