# Copyright (c) OpenMMLab. All rights reserved.
"""Learnable late fusion: weights sum to 1; hand-computed output."""
import pytest
import torch

from mmtin.models.layers import LearnableLateFusion


def test_weights_sum_to_one_and_output_is_weighted_sum():
    fusion = LearnableLateFusion(3)
    with torch.no_grad():
        fusion.free_weights.copy_(torch.tensor([0.7, 0.5]))
    w = fusion.weights
    assert w.tolist() == pytest.approx([0.7, 0.5, -0.2])
    assert w.sum().item() == pytest.approx(1.0)
    logits = torch.randn(2, 4, 3, 5)
    out = fusion(logits)
    expected = 0.7 * logits[:, :, 0] + 0.5 * logits[:, :, 1] \
        - 0.2 * logits[:, :, 2]
    torch.testing.assert_close(out, expected)


def test_gradient_of_free_weight_is_difference_to_last_modality():
    fusion = LearnableLateFusion(2)
    logits = torch.randn(3, 2, 4)
    fusion(logits).sum().backward()
    # out = a z0 + (1 - a) z1 -> d/da = sum(z0 - z1)
    expected = (logits[:, 0] - logits[:, 1]).sum()
    assert fusion.free_weights.grad.item() == pytest.approx(
        expected.item(), rel=1e-5)


def test_bad_input():
    with pytest.raises(ValueError, match='num_modalities'):
        LearnableLateFusion(0)
    with pytest.raises(ValueError, match='logits'):
        LearnableLateFusion(3)(torch.zeros(2, 2, 5))
