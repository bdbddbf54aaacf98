# Copyright (c) OpenMMLab. All rights reserved.
"""The one num_segments rule and the one TIN shift_div rule, and that the
modules use them (the errors name the owner and the key)."""
import pytest

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.models.utils import check_int, check_num_segments, check_shift_div


@pytest.mark.parametrize('value', [0, -1, 1.0, '8', True, None])
def test_num_segments_rule(value):
    with pytest.raises(ValueError, match=r'Owner: num_segments must be an '
                       r'int >= 1'):
        check_num_segments(value, 'Owner')
    check_num_segments(1, 'Owner')
    with pytest.raises(ValueError, match=r'>= 2 \(hint\), got 1'):
        check_num_segments(1, 'Owner', minimum=2, hint=' (hint)')


def test_shift_div_rule():
    check_shift_div(64, 4, 'L')  # 16 channels: 4 groups of 4
    check_shift_div(16, 4, 'L')  # 4 channels: 4 groups of 1
    with pytest.raises(ValueError, match='L: shift_div must be a positive'):
        check_shift_div(64, 0, 'L')
    with pytest.raises(ValueError, match='shift_div=3 cannot interlace '
                       'in_channels=64'):
        check_shift_div(64, 3, 'L')
    with pytest.raises(ValueError, match=r'in_channels // shift_div = 6'):
        check_shift_div(48, 8, 'L')
    with pytest.raises(ValueError, match='L: k must be an int >= 2'):
        check_int(1, 'k', 'L', minimum=2)


@pytest.mark.parametrize('cfg,match', [
    (dict(type='TINResNet', depth=18, num_segments=0), 'TINResNet: num_seg'),
    (dict(type='TDNResNet', depth=18, num_segments=1),
     r'TDNResNet: num_segments must be an int >= 2 \(8 or 16'),
    (dict(type='LongTermTDM', channels=32, num_segments=1),
     'LongTermTDM: num_segments must be an int >= 2'),
    (dict(type='TemporalDepthwiseConv', channels=8, num_segments=0),
     'TemporalDepthwiseConv: num_segments'),
    (dict(type='TemporalDepthwiseConv', channels=8, shift_div=1),
     'TemporalDepthwiseConv: shift_div must be an int >= 2'),
    (dict(type='TemporalInterlace', in_channels=48, shift_div=8),
     'TemporalInterlace: shift_div=8 cannot interlace'),
    (dict(type='SegmentConsensusHead', num_classes=2, in_channels=4,
          num_segments=0), 'SegmentConsensusHead: num_segments'),
])
def test_modules_use_the_rules(cfg, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(cfg)
