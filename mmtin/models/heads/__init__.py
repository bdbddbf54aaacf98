# Copyright (c) OpenMMLab. All rights reserved.
from .movinet_head import MoViNetHead
from .segment_consensus_head import SegmentConsensusHead

__all__ = ['MoViNetHead', 'SegmentConsensusHead']
