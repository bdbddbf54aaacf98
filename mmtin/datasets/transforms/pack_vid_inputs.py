# Copyright (c) OpenMMLab. All rights reserved.
"""Pack a VID clip into model inputs and a data sample."""
import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement, InstanceData


@TRANSFORMS.register_module()
class PackVIDInputs(BaseTransform):
    """``inputs``: ``uint8 [T, 3, H, W]``; ``data_samples``: a
    ``BaseDataElement`` with ``gt_instances`` (one ``InstanceData`` of
    ``bboxes`` and ``labels`` per frame) and the metainfo ``snippet``,
    ``frame_ids``, ``degradations``, ``img_shape``, ``ori_shape`` and
    ``scale_factor`` (what the video detectors and ``VIDCocoMetric``
    read)."""

    def transform(self, results: dict) -> dict:
        """Pack the output of ``LoadVIDFrames``."""
        frames = results['frames']
        imgs = np.stack(results['imgs'])
        inputs = torch.from_numpy(imgs).permute(0, 3, 1, 2).contiguous()
        sample = BaseDataElement(
            metainfo=dict(
                snippet=results.get('snippet', ''),
                frame_ids=[f['frame_id'] for f in frames],
                degradations=[f.get('degradation', '') for f in frames],
                img_shape=tuple(results['img_shape']),
                ori_shape=tuple(results['ori_shape']),
                scale_factor=float(results['scale_factor'])))
        sample.gt_instances = [
            InstanceData(
                bboxes=torch.as_tensor(f['gt_bboxes'],
                                       dtype=torch.float32).view(-1, 4),
                labels=torch.as_tensor(f['gt_labels'], dtype=torch.long))
            for f in frames
        ]
        return dict(inputs=inputs, data_samples=sample)
