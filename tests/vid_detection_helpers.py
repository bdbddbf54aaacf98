# Copyright (c) OpenMMLab. All rights reserved.
"""Tiny detector configs shared by the detector tests and contract cases."""
import torch
from mmengine.structures import BaseDataElement, InstanceData

BACKBONE = dict(type='ResNet', _scope_='mmpretrain', depth=18,
                stem_channels=8, base_channels=8, num_stages=3,
                strides=(1, 2, 1), dilations=(1, 1, 2), out_indices=(2, ))
RPN = dict(type='AnchorRPNHead', in_channels=32, stride=8,
           feat_channels=16, anchor_sizes=(8, 16), anchor_ratios=(1., ),
           num_samples=32, train_proposals=dict(
               pre_nms=64, post_nms=16, nms_iou=0.7),
           test_proposals=dict(pre_nms=64, post_nms=16, nms_iou=0.7))
ROI = dict(type='RoIBoxHead', in_channels=32, num_classes=3, stride=8,
           roi_size=3, fc_channels=16, num_samples=16, score_thr=0.0)
FRAME = dict(type='TwoStageFrameDetector', backbone=BACKBONE, rpn_head=RPN,
             roi_head=ROI)
VIDEO = dict(FRAME, type='LSTSVideoDetector', keyframe_interval=2,
             num_low_stages=1,
             low2high=dict(type='LSTSLow2High', in_channels=8,
                           out_channels=32, mid_channels=8, stride=2),
             srfu_align=dict(type='LSTSAlign', embed_channels=4,
                             num_offsets=9),
             dfa_align=dict(type='LSTSAlign', embed_channels=4,
                            num_offsets=9),
             srfu_fusion=dict(type='LSTSQualityFusion', mid_channels=8),
             dfa_fusion=dict(type='LSTSQualityFusion', mid_channels=8))


def clip_samples(n=2, t=3, size=32, seed=0):
    """Random ``[n, t, 3, size, size]`` clips and data samples with one or
    two boxes per frame."""
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(n, t, 3, size, size, generator=g)
    samples = []
    for _ in range(n):
        gts = []
        for _ in range(t):
            k = int(torch.randint(1, 3, (1, ), generator=g))
            xy = torch.rand(k, 2, generator=g) * size / 2
            wh = torch.rand(k, 2, generator=g) * size / 3 + 4
            gts.append(InstanceData(
                bboxes=torch.cat((xy, xy + wh), 1),
                labels=torch.randint(0, 3, (k, ), generator=g)))
        s = BaseDataElement(metainfo=dict(img_shape=(size, size)))
        s.gt_instances = gts
        samples.append(s)
    return inputs, samples
