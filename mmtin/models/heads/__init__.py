# Copyright (c) OpenMMLab. All rights reserved.
from .movinet_head import MoViNetHead
from .recurrent_cls_head import RecurrentClsHead
from .segment_consensus_head import SegmentConsensusHead

__all__ = ['MoViNetHead', 'SegmentConsensusHead', 'RecurrentClsHead']
