# Copyright (c) OpenMMLab. All rights reserved.
"""Read the frames of a VID clip (and rescale them with their boxes)."""
from typing import Optional, Tuple

import mmcv
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class LoadVIDFrames(BaseTransform):
    """Read every frame of an ``ImageNetVIDDataset`` clip as RGB.

    With ``scale=(short, long)`` each frame is resized, keeping its aspect
    ratio, so that its short side is ``short`` and its long side at most
    ``long`` (the paper's 600 / 1000); its boxes are scaled alike.

    Adds ``imgs`` (``uint8 [H, W, 3]`` per frame), ``img_shape`` ``(H,
    W)``, ``ori_shape`` and ``scale_factor``; scales each frame's
    ``gt_bboxes``.

    Args:
        scale (tuple[int, int], optional): ``(short, long)`` target sides;
            None keeps the size. Default: None.
    """

    def __init__(self, scale: Optional[Tuple[int, int]] = None) -> None:
        if scale is not None and (len(scale) != 2 or min(scale) < 1):
            raise ValueError(f'LoadVIDFrames: scale must be (short, long) '
                             f'positive sides, got {scale!r}')
        self.scale = None if scale is None else tuple(scale)

    def transform(self, results: dict) -> dict:
        """Read the frames of ``results['frames']``."""
        frames = results['frames']
        if not frames:
            raise ValueError(f'empty video: clip of snippet '
                             f"{results.get('snippet')!r} has no frames")
        imgs, factor = [], 1.
        for frame in frames:
            try:
                img = mmcv.imread(frame['img_path'], channel_order='rgb')
            except FileNotFoundError:
                img = None
            if img is None:
                raise FileNotFoundError(
                    f"frame {frame['img_path']} could not be read")
            h, w = img.shape[:2]
            if (h, w) != (frame['height'], frame['width']):
                raise ValueError(
                    f"frame {frame['img_path']} is {w}x{h} but its "
                    f"annotation says {frame['width']}x{frame['height']}")
            if self.scale is not None:
                factor = min(min(self.scale) / min(h, w),
                             max(self.scale) / max(h, w))
                img = mmcv.imresize(
                    img, (int(round(w * factor)), int(round(h * factor))))
            imgs.append(img)
        shapes = {img.shape for img in imgs}
        if len(shapes) != 1:
            raise ValueError(f"frames of snippet {results.get('snippet')!r} "
                             f'differ in size: {sorted(shapes)}')
        if self.scale is not None:
            results['frames'] = [
                dict(f, gt_bboxes=f['gt_bboxes'] * factor) for f in frames]
        results['imgs'] = imgs
        results['img_shape'] = imgs[0].shape[:2]
        results['ori_shape'] = (frames[0]['height'], frames[0]['width'])
        results['scale_factor'] = factor
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(scale={self.scale})'
