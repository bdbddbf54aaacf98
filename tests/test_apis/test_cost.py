# Copyright (c) OpenMMLab. All rights reserved.
"""``mmtin.apis.cost``: parameters and FLOPs."""
import torch
from torch import nn

import mmtin  # noqa: F401
from mmtin.apis import count_flops, count_params


def test_count_params_and_flops_plain_module():
    model = nn.Sequential(nn.Conv2d(3, 4, 3, bias=False), nn.Flatten(),
                          nn.Linear(4 * 6 * 6, 5))
    assert count_params(model) == 3 * 4 * 9 + 144 * 5 + 5
    # conv: 36 outputs x 4 channels x 27 MACs; linear: 144 x 5
    assert count_flops(model, torch.randn(1, 3, 8, 8)) == 36 * 4 * 27 + 720
    assert model.training  # restored
