# Copyright (c) OpenMMLab. All rights reserved.
"""Region proposal network (Ren et al., Faster R-CNN) in plain PyTorch."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor

from mmtin.ops import (anchor_grid, base_anchors, box_area, box_iou,
                       clip_boxes, decode_boxes, encode_boxes, match_boxes,
                       nms, sample_matches)


@MODELS.register_module()
class AnchorRPNHead(BaseModule):
    """Faster R-CNN's RPN on one feature map.

    A 3x3 conv (``conv_cfg``/``norm_cfg``/``act_cfg``) then, for each of
    the ``A = len(anchor_ratios) * len(anchor_sizes)`` anchors of every
    cell, an objectness logit and four box deltas (1x1 convs). Training
    matches anchors to the boxes (IoU ``>= pos_iou`` positive, ``<
    neg_iou`` negative, plus each box's best anchors), samples
    ``num_samples`` anchors with at most ``pos_fraction`` positives, and
    sums binary cross-entropy and smooth-L1 (``beta``) over the samples,
    divided by their number. Proposals: the ``pre_nms`` best anchors,
    decoded, clipped, NMS at ``nms_iou``, the ``post_nms`` best kept.

    Args:
        in_channels (int): Feature channels.
        stride (int): Image pixels per feature cell.
        feat_channels (int): Channels of the 3x3 conv. Default: 256.
        anchor_sizes (Sequence[float]): Anchor sides (sqrt of the area), in
            pixels. Default: (32, 64, 128).
        anchor_ratios (Sequence[float]): Anchor ``h / w``.
            Default: (0.5, 1.0, 2.0).
        pos_iou (float): Positive IoU. Default: 0.7.
        neg_iou (float): Negative IoU. Default: 0.3.
        num_samples (int): Anchors per image in the loss. Default: 256.
        pos_fraction (float): Largest share of positives. Default: 0.5.
        beta (float): Smooth-L1 beta. Default: 1 / 9.
        train_proposals (dict): ``pre_nms``, ``post_nms``, ``nms_iou`` in
            training. Default: dict(pre_nms=2000, post_nms=512,
            nms_iou=0.7).
        test_proposals (dict): The same for testing. Default:
            dict(pre_nms=1000, post_nms=300, nms_iou=0.7).
        min_size (float): Smallest proposal side kept. Default: 1.0.
        conv_cfg (dict, optional): Conv config. Default: None.
        norm_cfg (dict, optional): Norm config of the 3x3 conv.
            Default: None.
        act_cfg (dict): Activation of the 3x3 conv. Default: ReLU.
        init_cfg (dict, optional): Initialisation config. Default:
            normal(std=0.01) for every conv.
    """

    def __init__(self,
                 in_channels: int,
                 stride: int,
                 feat_channels: int = 256,
                 anchor_sizes: Sequence[float] = (32, 64, 128),
                 anchor_ratios: Sequence[float] = (0.5, 1.0, 2.0),
                 pos_iou: float = 0.7,
                 neg_iou: float = 0.3,
                 num_samples: int = 256,
                 pos_fraction: float = 0.5,
                 beta: float = 1 / 9,
                 train_proposals: dict = dict(
                     pre_nms=2000, post_nms=512, nms_iou=0.7),
                 test_proposals: dict = dict(
                     pre_nms=1000, post_nms=300, nms_iou=0.7),
                 min_size: float = 1.0,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg: Optional[dict] = dict(
                     type='Normal', layer='Conv2d', std=0.01)) -> None:
        super().__init__(init_cfg=init_cfg)
        for key, cfg in (('train_proposals', train_proposals),
                         ('test_proposals', test_proposals)):
            missing = {'pre_nms', 'post_nms', 'nms_iou'} - set(cfg)
            if missing:
                raise KeyError(f'AnchorRPNHead: {key} lacks {sorted(missing)}')
        if not 0 <= neg_iou <= pos_iou <= 1:
            raise ValueError(f'AnchorRPNHead: need 0 <= neg_iou={neg_iou} '
                             f'<= pos_iou={pos_iou} <= 1')
        self.in_channels = in_channels
        self.stride = stride
        self.pos_iou, self.neg_iou = pos_iou, neg_iou
        self.num_samples, self.pos_fraction = num_samples, pos_fraction
        self.beta = beta
        self.proposal_cfg = dict(train=dict(train_proposals),
                                 test=dict(test_proposals))
        self.min_size = min_size
        self.register_buffer(
            'base', base_anchors(anchor_sizes, anchor_ratios), False)
        self.num_anchors = self.base.shape[0]
        self.conv = ConvModule(in_channels, feat_channels, 3, padding=1,
                               conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                               act_cfg=act_cfg)
        self.cls = nn.Conv2d(feat_channels, self.num_anchors, 1)
        self.reg = nn.Conv2d(feat_channels, 4 * self.num_anchors, 1)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """``[B, C, H, W]`` -> objectness ``[B, H * W * A]`` and deltas
        ``[B, H * W * A, 4]`` (the layout of :func:`anchor_grid`)."""
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f'AnchorRPNHead: input has shape {tuple(x.shape)}; expected '
                f'[B, {self.in_channels}, H, W] (in_channels)')
        h = self.conv(x)
        b, _, height, width = h.shape
        logits = self.cls(h).permute(0, 2, 3, 1).reshape(b, -1)
        deltas = self.reg(h).view(b, self.num_anchors, 4, height, width)
        deltas = deltas.permute(0, 3, 4, 1, 2).reshape(b, -1, 4)
        return logits, deltas

    def anchors(self, x: Tensor) -> Tensor:
        """Anchors ``[H * W * A, 4]`` of the feature map ``x``."""
        return anchor_grid(self.base.to(x.dtype), x.shape[2], x.shape[3],
                           self.stride)

    def loss(self, x: Tensor, gt_bboxes: Sequence[Tensor]
             ) -> Dict[str, Tensor]:
        """Objectness and box losses of the frames ``x`` (one set of
        ground-truth boxes per frame)."""
        logits, deltas = self(x)
        anchors = self.anchors(x)
        cls_losses, box_losses, count = [], [], 0
        for i, gt in enumerate(gt_bboxes):
            matches = match_boxes(box_iou(gt, anchors), self.pos_iou,
                                  self.neg_iou, low_quality=True)
            pos, neg = sample_matches(matches, self.num_samples,
                                      self.pos_fraction)
            idx = torch.cat((pos, neg))
            target = torch.zeros(idx.numel(), device=x.device)
            target[:pos.numel()] = 1
            cls_losses.append(F.binary_cross_entropy_with_logits(
                logits[i, idx], target, reduction='sum'))
            if pos.numel():
                box_target = encode_boxes(anchors[pos], gt[matches[pos]])
                box_losses.append(F.smooth_l1_loss(
                    deltas[i, pos], box_target, beta=self.beta,
                    reduction='sum'))
            count += idx.numel()
        count = max(count, 1)
        box = sum(box_losses) if box_losses else deltas.sum() * 0
        return dict(loss_rpn_cls=sum(cls_losses) / count,
                    loss_rpn_bbox=box / count)

    @torch.no_grad()
    def proposals(self, x: Tensor,
                  img_shapes: Sequence[Tuple[int, int]]) -> List[Tensor]:
        """Proposal boxes ``[P, 4]`` per frame (``img_shapes[i] = (h,
        w)`` clips frame ``i``'s boxes)."""
        cfg = self.proposal_cfg['train' if self.training else 'test']
        logits, deltas = self(x)
        anchors = self.anchors(x)
        out = []
        for i, shape in enumerate(img_shapes):
            top = logits[i].topk(min(cfg['pre_nms'], logits.shape[1])).indices
            boxes = decode_boxes(anchors[top], deltas[i, top],
                                 max_shape=tuple(shape))
            scores = logits[i, top]
            keep = ((boxes[:, 2] - boxes[:, 0] >= self.min_size) &
                    (boxes[:, 3] - boxes[:, 1] >= self.min_size) &
                    (box_area(boxes) > 0))
            boxes, scores = boxes[keep], scores[keep]
            keep = nms(boxes, scores, cfg['nms_iou'])[:cfg['post_nms']]
            out.append(clip_boxes(boxes[keep], tuple(shape)))
        return out
