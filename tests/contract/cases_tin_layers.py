# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for the TIN layers."""
import torch

CASES = {
    'TemporalInterlace':
    dict(
        cfg=dict(type='TemporalInterlace', in_channels=16, num_segments=4),
        inputs=lambda: (torch.randn(8, 16, 5, 5), )),
}
