# Copyright (c) OpenMMLab. All rights reserved.
"""A Faster R-CNN-style two-stage detector that runs on every frame of a
clip (the per-frame baseline of video object detection)."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

from mmaction.registry import MODELS
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement, InstanceData
from torch import Tensor


@MODELS.register_module()
class TwoStageFrameDetector(BaseModel):
    """Backbone -> ``AnchorRPNHead`` proposals -> ``RoIBoxHead``
    detections, independently for every frame.

    Inputs are clips ``[N, T, 3, H, W]`` (``[N, 3, H, W]`` is one frame per
    sample); each data sample (see ``PackVIDInputs``) carries
    ``gt_instances`` (a list of ``T`` ``InstanceData`` with ``bboxes`` and
    ``labels``) and the metainfo ``img_shape`` (and optionally
    ``scale_factor``, ``ori_shape``). ``predict`` sets ``pred_instances``:
    ``T`` ``InstanceData`` of ``bboxes`` (in original-image pixels),
    ``scores`` and ``labels``. Subclasses replace :meth:`clip_features`.

    The backbone's last output (e.g. mmpretrain ``ResNet`` with one
    ``out_indices`` entry), through the optional ``neck`` (e.g. a
    ``ConvModule`` reducing ResNet-101's 2048 channels), is the single
    feature map of both heads.

    Args:
        backbone (dict): Backbone config.
        rpn_head (dict): ``AnchorRPNHead`` config.
        roi_head (dict): ``RoIBoxHead`` config.
        neck (dict, optional): Module applied to every frame's features
            before the heads. Default: None.
        data_preprocessor (dict, optional): Data preprocessor config.
            Default: ``ActionDataPreprocessor`` with ``format_shape='NCHW'``
            and no normalisation.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 backbone: dict,
                 rpn_head: dict,
                 roi_head: dict,
                 neck: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='ActionDataPreprocessor',
                                     format_shape='NCHW')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = None if neck is None else MODELS.build(neck)
        self.rpn_head = MODELS.build(rpn_head)
        self.roi_head = MODELS.build(roi_head)

    def clip_features(self, clips: Tensor) -> Tensor:
        """``[N, T, 3, H, W]`` -> per-frame features ``[N * T, C, h, w]``:
        the whole backbone on every frame."""
        out = self.backbone(clips.flatten(0, 1))
        return out[-1] if isinstance(out, (tuple, list)) else out

    def head_features(self, clips: Tensor) -> Tensor:
        """:meth:`clip_features` through the ``neck``."""
        feats = self.clip_features(clips)
        return feats if self.neck is None else self.neck(feats)

    def _clips(self, inputs: Tensor) -> Tensor:
        if inputs.dim() == 4:
            inputs = inputs[:, None]
        if inputs.dim() != 5 or inputs.shape[2] != 3:
            raise ValueError(
                f'{type(self).__name__}: inputs must be [N, T, 3, H, W] '
                f'clips or [N, 3, H, W] frames, got {tuple(inputs.shape)}')
        return inputs

    @staticmethod
    def _img_shapes(clips: Tensor,
                    data_samples: Sequence[BaseDataElement]
                    ) -> List[Tuple[int, int]]:
        t = clips.shape[1]
        return [tuple(s.metainfo.get('img_shape', clips.shape[-2:]))
                for s in data_samples for _ in range(t)]

    def _ground_truth(self, clips: Tensor,
                      data_samples: Sequence[BaseDataElement]
                      ) -> Tuple[List[Tensor], List[Tensor]]:
        t = clips.shape[1]
        frames = []
        for i, sample in enumerate(data_samples):
            gts = sample.get('gt_instances')
            if gts is None or len(gts) != t:
                raise ValueError(
                    f'{type(self).__name__}: data sample {i} has '
                    f'{"no" if gts is None else len(gts)} gt_instances; '
                    f'expected one per frame ({t})')
            frames.extend(gts)
        return ([g.bboxes.to(clips.dtype) for g in frames],
                [g.labels for g in frames])

    def loss(self, inputs: Tensor,
             data_samples: Sequence[BaseDataElement]) -> Dict[str, Tensor]:
        """RPN and RoI-head losses over every frame of the clips."""
        clips = self._clips(inputs)
        bboxes, labels = self._ground_truth(clips, data_samples)
        return self.head_losses(self.head_features(clips), bboxes, labels,
                                self._img_shapes(clips, data_samples))

    def head_losses(self, feats: Tensor, bboxes: Sequence[Tensor],
                    labels: Sequence[Tensor],
                    img_shapes: Sequence[Tuple[int, int]]
                    ) -> Dict[str, Tensor]:
        """RPN and RoI-head losses of the frames ``feats`` (one set of
        ground-truth boxes, labels and image shape per frame)."""
        losses = self.rpn_head.loss(feats, bboxes)
        proposals = self.rpn_head.proposals(feats, img_shapes)
        losses.update(self.roi_head.loss(feats, proposals, bboxes, labels))
        return losses

    def predict(self, inputs: Tensor,
                data_samples: Optional[Sequence[BaseDataElement]] = None
                ) -> List[BaseDataElement]:
        """Detections per frame, in original-image pixels."""
        clips = self._clips(inputs)
        n, t = clips.shape[:2]
        if data_samples is None:
            data_samples = [BaseDataElement(metainfo=dict(
                img_shape=tuple(clips.shape[-2:]))) for _ in range(n)]
        shapes = self._img_shapes(clips, data_samples)
        feats = self.head_features(clips)
        proposals = self.rpn_head.proposals(feats, shapes)
        dets = self.roi_head.predict(feats, proposals, shapes)
        for i, sample in enumerate(data_samples):
            scale = float(sample.metainfo.get('scale_factor', 1.))
            frames = []
            for det in dets[i * t:(i + 1) * t]:
                frames.append(InstanceData(bboxes=det.bboxes / scale,
                                           scores=det.scores,
                                           labels=det.labels))
            sample.pred_instances = frames
        return list(data_samples)

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[Sequence[BaseDataElement]] = None,
                mode: str = 'tensor'
                ) -> Union[Dict[str, Tensor], list, Tuple[Tensor, ...]]:
        """``mode='loss'``: losses; ``'predict'``: data samples with
        ``pred_instances``; ``'tensor'``: the per-frame head features and
        the RPN outputs (objectness, deltas)."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            feats = self.head_features(self._clips(inputs))
            return (feats, ) + tuple(self.rpn_head(feats))
        raise ValueError(f"{type(self).__name__}: mode={mode!r} must be "
                         "'loss', 'predict' or 'tensor'")
