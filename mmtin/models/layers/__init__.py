# Copyright (c) OpenMMLab. All rights reserved.
from .temporal_interlace import (InterlacedConv, OffsetNet, TemporalInterlace,
                                 WeightNet)
from .long_term_tdm import LongTermTDM
from .short_term_tdm import ShortTermTDM
from .temporal_depthwise_conv import TemporalDepthwiseConv
from .bottleneck3d_rs import Bottleneck3dRS, SelfGating3d, SqueezeExcite3d
from .movinet_block import MoViNetBlock
from .movinet_conv import MoViNetConv
from .movinet_se import MoViNetSE
from .adafocus_policy import AdaFocusPolicy

__all__ = [
    'InterlacedConv', 'OffsetNet', 'TemporalInterlace', 'WeightNet',
    'LongTermTDM', 'ShortTermTDM', 'TemporalDepthwiseConv',
    'Bottleneck3dRS', 'SelfGating3d', 'SqueezeExcite3d', 'MoViNetBlock',
    'MoViNetConv', 'MoViNetSE', 'AdaFocusPolicy'
]
