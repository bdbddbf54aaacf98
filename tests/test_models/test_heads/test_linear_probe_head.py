# Copyright (c) OpenMMLab. All rights reserved.
import torch
from mmaction.registry import MODELS

from mmtin.models.heads import LinearProbeHead


def test_pooled_features_are_standardised_before_the_fc():
    torch.manual_seed(0)
    head = LinearProbeHead(num_classes=3, in_channels=4, dropout_ratio=0.)
    assert isinstance(head.norm, torch.nn.BatchNorm1d)
    assert not head.norm.affine  # parameter-free: only the fc trains
    assert [n for n, _ in head.named_parameters()] == [
        'fc_cls.weight', 'fc_cls.bias']
    x = torch.randn(6, 4, 2, 3, 3) * 50 + 7  # badly scaled features
    pooled = x.mean(dim=(2, 3, 4))
    normed = (pooled - pooled.mean(0)) / torch.sqrt(
        pooled.var(0, unbiased=False) + 1e-6)
    torch.testing.assert_close(head(x), head.fc_cls(normed))
    # test time: the running statistics, not the batch's
    head.eval()
    running = (pooled - head.norm.running_mean) / torch.sqrt(
        head.norm.running_var + 1e-6)
    torch.testing.assert_close(head(x[:1]), head.fc_cls(running[:1]))


def test_without_norm_it_is_the_i3d_head():
    torch.manual_seed(1)
    probe = MODELS.build(dict(type='LinearProbeHead', num_classes=3,
                              in_channels=4, norm_cfg=None)).eval()
    i3d = MODELS.build(dict(type='I3DHead', num_classes=3,
                            in_channels=4)).eval()
    i3d.load_state_dict(probe.state_dict())
    x = torch.randn(2, 4, 2, 3, 3)
    assert probe.norm is None
    torch.testing.assert_close(probe(x), i3d(x))
