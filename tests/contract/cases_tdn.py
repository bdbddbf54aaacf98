# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for TDN: backbone, layers and sampling transform."""
import torch


def _check_sampling(out):
    assert out['frame_inds'].shape == (4 * 5, )
    assert out['num_clips'] == 4


CASES = {
    'TDNResNet':
    dict(
        cfg=dict(type='TDNResNet', depth=50, num_segments=2),
        inputs=lambda: (torch.randn(2 * 5, 3, 64, 64), )),
    'LongTermTDM':
    dict(
        cfg=dict(type='LongTermTDM', channels=32, num_segments=4),
        inputs=lambda: (torch.randn(8, 32, 5, 5), )),
    'TemporalDepthwiseConv':
    dict(
        cfg=dict(type='TemporalDepthwiseConv', channels=16, num_segments=4),
        inputs=lambda: (torch.randn(8, 16, 3, 3), )),
    'ShortTermTDM':
    dict(
        cfg=dict(type='ShortTermTDM', num_segments=8),
        inputs=lambda: (torch.randn(2, 4, 6, 6, requires_grad=True),
                        torch.randn(2, 4, 3, 3, requires_grad=True)),
        backward=False),  # parameter-free
    'TDNSampleFrames':
    dict(
        cfg=dict(type='TDNSampleFrames', num_clips=4, test_mode=True),
        inputs=lambda: (dict(total_frames=30, start_index=0), ),
        check=_check_sampling),
}
