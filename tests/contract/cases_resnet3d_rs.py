# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for 3D ResNet-RS."""
import torch

CASES = {
    'ResNet3dRS':
    dict(
        # full depth-50 layout at a tiny width
        cfg=dict(
            type='ResNet3dRS',
            depth=50,
            base_channels=4,
            stem_channels=4,
            drop_path_rate=0.1),
        inputs=lambda: (torch.randn(1, 3, 8, 32, 32), )),
}
