# Copyright (c) OpenMMLab. All rights reserved.
"""Faster R-CNN's second stage: RoIAlign, two fc layers, class scores and
class-specific box deltas, in plain PyTorch."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmcv.cnn import build_activation_layer
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor

from mmtin.ops import (batched_nms, box_iou, decode_boxes, encode_boxes,
                       match_boxes, roi_align, sample_matches)


@MODELS.register_module()
class RoIBoxHead(BaseModule):
    """Classify and refine proposals on one feature map.

    Each RoI is pooled to ``roi_size x roi_size`` by RoIAlign
    (``sampling_ratio`` samples per bin axis), flattened and passed
    through ``num_fcs`` fc layers (``act_cfg``), then to ``num_classes +
    1`` scores (the last is background) and ``4 * num_classes`` deltas
    (scaled by ``bbox_stds``). Training adds the ground truth to the
    proposals, matches them (IoU ``>= pos_iou`` positive, ``< neg_iou``
    background), samples ``num_samples`` per frame with at most
    ``pos_fraction`` positives, and sums cross-entropy and smooth-L1
    (``beta``) of the positives' class, over the number of samples.
    Testing keeps, per class, boxes scoring ``> score_thr``, NMS at
    ``nms_iou``, and the ``max_per_img`` best.

    Args:
        in_channels (int): Feature channels.
        num_classes (int): Object classes (without background).
        stride (int): Image pixels per feature cell.
        roi_size (int): RoIAlign output side. Default: 7.
        sampling_ratio (int): RoIAlign samples per bin axis. Default: 2.
        fc_channels (int): Width of the fc layers. Default: 1024.
        num_fcs (int): Number of fc layers. Default: 2.
        pos_iou (float): Positive IoU. Default: 0.5.
        neg_iou (float): Background IoU (below). Default: 0.5.
        num_samples (int): RoIs per frame in the loss. Default: 512.
        pos_fraction (float): Largest share of positives. Default: 0.25.
        bbox_stds (Sequence[float]): Delta scales.
            Default: (0.1, 0.1, 0.2, 0.2).
        beta (float): Smooth-L1 beta. Default: 1.0.
        score_thr (float): Test score threshold. Default: 0.05.
        nms_iou (float): Test NMS IoU. Default: 0.5.
        max_per_img (int): Detections kept per frame. Default: 100.
        act_cfg (dict): Activation of the fc layers. Default: ReLU.
        init_cfg (dict, optional): Initialisation config. Default: None
            (PyTorch's defaults; the output layers get normal(0.01) /
            normal(0.001) in ``init_weights``).
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 stride: int,
                 roi_size: int = 7,
                 sampling_ratio: int = 2,
                 fc_channels: int = 1024,
                 num_fcs: int = 2,
                 pos_iou: float = 0.5,
                 neg_iou: float = 0.5,
                 num_samples: int = 512,
                 pos_fraction: float = 0.25,
                 bbox_stds: Sequence[float] = (0.1, 0.1, 0.2, 0.2),
                 beta: float = 1.0,
                 score_thr: float = 0.05,
                 nms_iou: float = 0.5,
                 max_per_img: int = 100,
                 act_cfg: dict = dict(type='ReLU'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if isinstance(num_classes, bool) or not isinstance(
                num_classes, int) or num_classes < 1:
            raise ValueError('RoIBoxHead: num_classes must be an int >= 1, '
                             f'got {num_classes!r}')
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.stride = stride
        self.roi_size, self.sampling_ratio = roi_size, sampling_ratio
        self.pos_iou, self.neg_iou = pos_iou, neg_iou
        self.num_samples, self.pos_fraction = num_samples, pos_fraction
        self.bbox_stds = tuple(bbox_stds)
        self.beta = beta
        self.score_thr, self.nms_iou = score_thr, nms_iou
        self.max_per_img = max_per_img
        layers, channels = [], in_channels * roi_size * roi_size
        for _ in range(num_fcs):
            layers += [nn.Linear(channels, fc_channels),
                       build_activation_layer(act_cfg)]
            channels = fc_channels
        self.fcs = nn.Sequential(*layers)
        self.cls = nn.Linear(channels, num_classes + 1)
        self.reg = nn.Linear(channels, 4 * num_classes)

    def init_weights(self) -> None:
        """Small normal output layers (as Faster R-CNN)."""
        super().init_weights()
        nn.init.normal_(self.cls.weight, std=0.01)
        nn.init.normal_(self.reg.weight, std=0.001)
        nn.init.zeros_(self.cls.bias)
        nn.init.zeros_(self.reg.bias)

    def forward(self, x: Tensor, rois: Tensor) -> Tuple[Tensor, Tensor]:
        """Scores ``[R, num_classes + 1]`` and deltas ``[R, num_classes,
        4]`` of ``rois`` (``[R, 5]``: frame index, box) on ``x``."""
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f'RoIBoxHead: input has shape {tuple(x.shape)}; expected '
                f'[B, {self.in_channels}, H, W] (in_channels)')
        pooled = roi_align(x, rois, self.roi_size, 1 / self.stride,
                           self.sampling_ratio)
        h = self.fcs(pooled.flatten(1))
        return self.cls(h), self.reg(h).view(-1, self.num_classes, 4)

    @staticmethod
    def _rois(boxes: Sequence[Tensor]) -> Tensor:
        return torch.cat([
            torch.cat((b.new_full((b.shape[0], 1), i), b), dim=1)
            for i, b in enumerate(boxes)
        ])

    def loss(self, x: Tensor, proposals: Sequence[Tensor],
             gt_bboxes: Sequence[Tensor],
             gt_labels: Sequence[Tensor]) -> Dict[str, Tensor]:
        """Classification and box losses of the frames ``x``."""
        sampled, labels, targets = [], [], []
        for props, gt, gt_label in zip(proposals, gt_bboxes, gt_labels):
            cand = torch.cat((props, gt))
            matches = match_boxes(box_iou(gt, cand), self.pos_iou,
                                  self.neg_iou)
            pos, neg = sample_matches(matches, self.num_samples,
                                      self.pos_fraction)
            idx = torch.cat((pos, neg))
            sampled.append(cand[idx])
            label = torch.full((idx.numel(), ), self.num_classes,
                               dtype=torch.long, device=x.device)
            label[:pos.numel()] = gt_label[matches[pos]]
            labels.append(label)
            target = torch.zeros(idx.numel(), 4, device=x.device)
            target[:pos.numel()] = encode_boxes(cand[pos], gt[matches[pos]],
                                                self.bbox_stds)
            targets.append(target)
        scores, deltas = self(x, self._rois(sampled))
        labels, targets = torch.cat(labels), torch.cat(targets)
        pos = (labels < self.num_classes).nonzero().flatten()
        count = max(labels.numel(), 1)
        loss_bbox = F.smooth_l1_loss(
            deltas[pos, labels[pos]], targets[pos], beta=self.beta,
            reduction='sum') / count
        return dict(loss_cls=F.cross_entropy(scores, labels),
                    loss_bbox=loss_bbox)

    @torch.no_grad()
    def predict(self, x: Tensor, proposals: Sequence[Tensor],
                img_shapes: Sequence[Tuple[int, int]]
                ) -> List[InstanceData]:
        """Detections (``bboxes``, ``scores``, ``labels``) per frame."""
        scores, deltas = self(x, self._rois(proposals))
        probs = scores.softmax(-1)[:, :-1]
        out, start = [], 0
        for props, shape in zip(proposals, img_shapes):
            end = start + props.shape[0]
            boxes = decode_boxes(props[:, None], deltas[start:end],
                                 self.bbox_stds, max_shape=tuple(shape))
            prob = probs[start:end]
            start = end
            idx, label = (prob > self.score_thr).nonzero(as_tuple=True)
            boxes, score = boxes[idx, label], prob[idx, label]
            keep = batched_nms(boxes, score, label,
                               self.nms_iou)[:self.max_per_img]
            out.append(InstanceData(bboxes=boxes[keep], scores=score[keep],
                                    labels=label[keep]))
        return out
