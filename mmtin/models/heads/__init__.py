# Copyright (c) OpenMMLab. All rights reserved.
from .linear_probe_head import LinearProbeHead
from .movinet_head import MoViNetHead
from .recurrent_cls_head import RecurrentClsHead
from .segment_consensus_head import SegmentConsensusHead
from .anchor_rpn_head import AnchorRPNHead
from .roi_box_head import RoIBoxHead

__all__ = [
    'MoViNetHead', 'SegmentConsensusHead', 'RecurrentClsHead',
    'AnchorRPNHead', 'RoIBoxHead', 'LinearProbeHead'
]
