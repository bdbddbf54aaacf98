# Copyright (c) OpenMMLab. All rights reserved.
from .temporal_interlace import OffsetNet, TemporalInterlace, WeightNet
from .interlaced_conv import (InterlacedConv, interlace_block, interlace_conv,
                              iter_residual_blocks)
from .long_term_tdm import LongTermTDM
from .short_term_tdm import ShortTermTDM
from .temporal_depthwise_conv import TemporalDepthwiseConv
from .separable_max_pool import SeparableMaxPool2d
from .tdn_bottleneck import TDNBottleneck
from .tdn_basic_block import CheckpointBasicBlock, TDNBasicBlock
from .tdn_res_layer import make_tdn_res_layer
from .bottleneck3d_rs import Bottleneck3dRS, SelfGating3d, SqueezeExcite3d
from .movinet_block import MoViNetBlock
from .movinet_conv import MoViNetConv
from .movinet_se import MoViNetSE
from .lsts_align import LSTSAlign
from .lsts_low2high import LSTSLow2High
from .lsts_quality_fusion import LSTSQualityFusion
from .adamml_policy import AdaMMLPolicy
from .learnable_late_fusion import LearnableLateFusion
from .adafocus_policy import AdaFocusPolicy

__all__ = [
    'InterlacedConv', 'OffsetNet', 'TemporalInterlace', 'WeightNet',
    'interlace_block', 'interlace_conv', 'iter_residual_blocks', 'LongTermTDM',
    'ShortTermTDM', 'TemporalDepthwiseConv', 'SeparableMaxPool2d',
    'TDNBottleneck', 'CheckpointBasicBlock', 'TDNBasicBlock',
    'make_tdn_res_layer', 'Bottleneck3dRS', 'SelfGating3d', 'SqueezeExcite3d',
    'MoViNetBlock', 'MoViNetConv', 'MoViNetSE', 'LSTSAlign', 'LSTSLow2High',
    'LSTSQualityFusion', 'AdaMMLPolicy', 'LearnableLateFusion',
    'AdaFocusPolicy'
]
