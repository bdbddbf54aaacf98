# Copyright (c) OpenMMLab. All rights reserved.
"""Hard Gumbel-Softmax: one-hot forward, straight-through backward."""
import pytest
import torch

from mmtin.ops import hard_gumbel_softmax


def test_forward_is_one_hot_of_perturbed_argmax():
    logits = torch.tensor([[0.2, 1.0], [2.0, -1.0], [0.0, 0.1]])
    gumbels = torch.tensor([[1.5, 0.0], [0.0, 0.0], [0.3, -0.5]])
    out = hard_gumbel_softmax(logits, tau=5.0, gumbels=gumbels)
    # (logits + g): [1.7, 1.0] -> 0; [2, -1] -> 0; [0.3, -0.4] -> 0
    assert torch.equal(out, torch.tensor([[1., 0.], [1., 0.], [1., 0.]]))
    out = hard_gumbel_softmax(logits, tau=0.5, gumbels=torch.zeros(3, 2))
    assert torch.equal(out, torch.tensor([[0., 1.], [1., 0.], [0., 1.]]))


def test_straight_through_gradient_is_the_soft_one():
    torch.manual_seed(0)
    logits = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    gumbels = torch.randn(5, 3, dtype=torch.float64)
    weights = torch.randn(5, 3, dtype=torch.float64)
    tau = 2.0
    out = hard_gumbel_softmax(logits, tau, gumbels)
    (out * weights).sum().backward()
    # hand-derived softmax Jacobian: d/dl_j sum_k w_k y_k
    #   = y_j (w_j - sum_k w_k y_k) / tau, y = softmax((l + g) / tau)
    with torch.no_grad():
        z = (logits + gumbels) / tau
        y = torch.exp(z - z.max(1, keepdim=True).values)
        y = y / y.sum(1, keepdim=True)
        expected = y * (weights - (weights * y).sum(1, keepdim=True)) / tau
    torch.testing.assert_close(logits.grad, expected)


def test_finite_difference_of_the_soft_path():
    logits = torch.tensor([[0.3, -0.2]], dtype=torch.float64,
                          requires_grad=True)
    gumbels = torch.tensor([[0.1, 0.4]], dtype=torch.float64)
    hard_gumbel_softmax(logits, 1.5, gumbels)[0, 1].backward()
    eps = 1e-6

    def soft_keep(l0):
        z = (torch.tensor([[l0, -0.2]], dtype=torch.float64) + gumbels) / 1.5
        return z.softmax(1)[0, 1]

    fd = (soft_keep(0.3 + eps) - soft_keep(0.3 - eps)) / (2 * eps)
    assert abs(logits.grad[0, 0].item() - fd.item()) < 1e-8


def test_bad_arguments():
    with pytest.raises(ValueError, match='tau'):
        hard_gumbel_softmax(torch.zeros(2, 2), 0.0)
    with pytest.raises(ValueError, match='gumbels'):
        hard_gumbel_softmax(torch.zeros(2, 2), 1.0, torch.zeros(2, 3))
