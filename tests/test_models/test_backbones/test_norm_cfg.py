# Copyright (c) OpenMMLab. All rights reserved.
"""``norm_cfg`` reaches every normalisation layer of every mmtin backbone
(issue #11): with ``SyncBN`` no plain BatchNorm is left anywhere in the
module tree, and ``revert_sync_batchnorm`` makes the model run on the CPU.
"""
import pytest
import torch
import torch.nn as nn
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmaction.registry import MODELS

init_default_scope('mmaction')

TINY_MOVINET = dict(
    stem=4,
    stages=[(4, '8/155*'), (8, '12/333* 12/333'), (8, '16/533'),
            (8, '12/155 12/333'), (12, '16/533* 16/133')],
    project=16)

SYNC = dict(type='SyncBN', requires_grad=True)

CASES = {
    'TINResNet': (dict(type='TINResNet', depth=18, num_segments=2,
                       norm_cfg=SYNC), (2, 3, 32, 32)),
    'TDNResNet': (dict(type='TDNResNet', depth=18, num_segments=2,
                       norm_cfg=SYNC), (10, 3, 32, 32)),
    'MoViNet': (dict(type='MoViNet', arch=TINY_MOVINET,
                     norm_cfg=dict(type='SyncBN', eps=1e-3)),
                (1, 3, 4, 32, 32)),
    'MoViNet-stream': (dict(type='MoViNet', arch=TINY_MOVINET, causal=True,
                            conv_type='2plus1d', se_type='2plus3d',
                            norm_cfg=dict(type='SyncBN', eps=1e-3)),
                       (1, 3, 4, 32, 32)),
    'ResNet3dRS': (dict(type='ResNet3dRS', depth=50, base_channels=4,
                        stem_channels=4, norm_cfg=SYNC),
                   (1, 3, 8, 32, 32)),
}


def _norms(model):
    """Every normalisation layer of the module tree, by name."""
    kinds = (nn.modules.batchnorm._NormBase, nn.GroupNorm, nn.LayerNorm)
    return {n: m for n, m in model.named_modules() if isinstance(m, kinds)}


@pytest.mark.parametrize('name', list(CASES))
def test_sync_bn_everywhere_and_revert(name):
    cfg, shape = CASES[name]
    model = MODELS.build(cfg)
    norms = _norms(model)
    assert len(norms) > 0
    plain = [n for n, m in norms.items()
             if not isinstance(m, nn.SyncBatchNorm)]
    assert plain == [], f'{name}: not SyncBN: {plain}'
    model = revert_sync_batchnorm(model)
    reverted = _norms(model)
    assert reverted.keys() == norms.keys()
    assert not any(isinstance(m, nn.SyncBatchNorm) for m in reverted.values())
    model.eval()
    with torch.no_grad():
        out = model(torch.randn(*shape))
    out = out[-1] if isinstance(out, (tuple, list)) else out
    assert torch.isfinite(out).all()
