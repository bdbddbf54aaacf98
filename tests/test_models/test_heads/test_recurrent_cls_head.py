# Copyright (c) OpenMMLab. All rights reserved.
import pytest
import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample

from mmtin.models.heads import RecurrentClsHead


def test_gives_one_output_per_step_causally():
    torch.manual_seed(0)
    head = RecurrentClsHead(num_classes=3, in_channels=6,
                            hidden_channels=8).eval()
    x = torch.randn(2, 5, 6)
    out = head(x)
    assert out.shape == (2, 5, 3)
    for t in range(1, 6):
        torch.testing.assert_close(head(x[:, :t]), out[:, :t])


def test_loss_is_mean_of_step_losses():
    torch.manual_seed(1)
    head = RecurrentClsHead(num_classes=3, in_channels=6, hidden_channels=8)
    scores = torch.randn(2, 4, 3)
    samples = [ActionDataSample().set_gt_label(2),
               ActionDataSample().set_gt_label(0)]
    losses = head.loss_by_feat(scores, samples)
    labels = torch.tensor([2, 0])
    expected = sum(F.cross_entropy(scores[:, t], labels)
                   for t in range(4)) / 4
    torch.testing.assert_close(losses['loss_cls'], expected)
    final_correct = (scores[:, -1].argmax(-1) == labels).float().mean()
    assert float(losses['top1_acc']) == pytest.approx(float(final_correct))


def test_bad_input_names_key():
    head = RecurrentClsHead(num_classes=3, in_channels=6)
    with pytest.raises(ValueError, match='in_channels'):
        head(torch.randn(2, 4, 5))
