# Copyright (c) OpenMMLab. All rights reserved.
"""Apply an augmentation pipeline once per clip (or once per frame)."""
import copy
from typing import Dict, List

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform, Compose

UNITS = ('clip', 'frame')


@TRANSFORMS.register_module()
class ClipwiseAugment(BaseTransform):
    """Run ``transforms`` separately on each clip of a multi-clip sample.

    MMAction2's spatial transforms (``RandomResizedCrop``, ``Flip``,
    ``ColorJitter``, ...) draw their random parameters once per call and
    apply them to every frame in ``imgs``, so on a two-clip sample (from
    :class:`SampleClipPair`) both clips would get the same crop. This
    wrapper splits ``imgs`` into ``num_clips`` clips and calls the pipeline
    once per clip, so each clip gets its own draw, the same for all its
    frames: CVRL's temporally consistent augmentation. With
    ``unit='frame'`` it calls the pipeline once per frame instead, so every
    frame gets its own crop/flip/colour (the temporally inconsistent
    control).

    Required keys: ``imgs``, ``num_clips``. Modified keys: ``imgs``,
    ``img_shape`` and whatever the wrapped transforms set (from the last
    call). Every call must end with the same frame size (end ``transforms``
    with a fixed-size ``Resize``).

    Args:
        transforms (list[dict]): The augmentation pipeline.
        unit (str): ``'clip'`` (consistent) or ``'frame'``.
            Default: ``'clip'``.
    """

    def __init__(self, transforms: List[dict], unit: str = 'clip') -> None:
        if unit not in UNITS:
            raise ValueError(f'ClipwiseAugment: unit must be one of {UNITS}, '
                             f'got {unit!r}')
        if not transforms:
            raise ValueError('ClipwiseAugment: transforms is empty')
        self.pipeline = Compose(
            [TRANSFORMS.build(t) if isinstance(t, dict) else t
             for t in transforms])
        self.unit = unit

    def transform(self, results: Dict) -> Dict:
        imgs = results['imgs']
        num_clips = results.get('num_clips', 1)
        if len(imgs) % num_clips:
            raise ValueError(f'ClipwiseAugment: {len(imgs)} frames are not '
                             f'{num_clips} clips (num_clips) of equal length')
        size = len(imgs) // num_clips if self.unit == 'clip' else 1
        out_imgs, last = [], None
        for start in range(0, len(imgs), size):
            part = copy.copy(results)
            part['imgs'] = imgs[start:start + size]
            part = self.pipeline(part)
            if part is None:
                raise RuntimeError('ClipwiseAugment: a wrapped transform '
                                   'returned None')
            out_imgs.extend(part['imgs'])
            last = part
        shapes = {np.asarray(img).shape for img in out_imgs}
        if len(shapes) > 1:
            raise ValueError(f'ClipwiseAugment: the {self.unit}s came out '
                             f'with different shapes {sorted(shapes)}; end '
                             'transforms with a fixed-size Resize')
        last['imgs'] = out_imgs
        return last

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(unit={self.unit!r}, '
                f'pipeline={self.pipeline})')
