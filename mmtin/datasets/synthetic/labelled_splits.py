# Copyright (c) OpenMMLab. All rights reserved.
"""Write one labelled video per sample into train/val/test splits: the loop
that the single-video generators (small object, moving object) share."""
import os
import os.path as osp
from typing import Callable, Dict, Sequence, Tuple

import numpy as np

from .temporal_order import _check_decodes, write_video

SPLITS = ('train', 'val', 'test')


def write_labelled_splits(
        out_dir: str, sizes: Dict[str, int],
        render: Callable[[np.random.Generator, int, int], Tuple[np.ndarray,
                                                                int]],
        classes: Sequence[str], seed: int, frames: int, size: int,
        fps: int) -> Dict[str, int]:
    """Render and write ``sizes[split]`` videos per split.

    Sample ``index`` (counted over all splits) gets its own generator
    ``default_rng([seed, index])``; ``render(rng, index, k)`` (``k``: the
    position in its split) returns ``(uint8 frames [T, H, W, 3], label)``.
    Writes ``videos/SPLIT/KKKKK.mp4``, ``SPLIT.txt`` annotation lists and
    ``label_map.txt``; the first video is decoded back as a check.

    Returns:
        dict: The number of videos written per split.
    """
    index, counts = 0, {}
    for split in SPLITS:
        os.makedirs(osp.join(out_dir, 'videos', split), exist_ok=True)
        lines = []
        for k in range(sizes[split]):
            clip, label = render(np.random.default_rng([seed, index]), index,
                                 k)
            rel = f'videos/{split}/{k:05d}.mp4'
            write_video(osp.join(out_dir, rel), clip, fps=fps)
            if index == 0:
                _check_decodes(osp.join(out_dir, rel), frames, size)
            lines.append(f'{rel} {label}')
            index += 1
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.write(''.join(line + '\n' for line in lines))
        counts[split] = len(lines)
    with open(osp.join(out_dir, 'label_map.txt'), 'w') as f:
        f.write(''.join(name + '\n' for name in classes))
    return counts
