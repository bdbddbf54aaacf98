# Copyright (c) OpenMMLab. All rights reserved.
"""CVRL: InfoNCE against a naive loop, the queue's ring order, shapes and
errors."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS

import mmtin  # noqa: F401
from mmtin.ops import contrastive_logits

TAU = 0.2


def cvrl_cfg(queue_len=0):
    return dict(
        type='CVRL',
        backbone=dict(type='ResNet3dRS', depth=50, base_channels=4,
                      stem_channels=4, drop_path_rate=0.),
        neck=dict(type='mmpretrain.NonLinearNeck', in_channels=128,
                  hid_channels=16, out_channels=8, num_layers=2,
                  with_avg_pool=False, norm_cfg=dict(type='BN1d')),
        head=dict(type='mmpretrain.ContrastiveHead',
                  loss=dict(type='mmpretrain.CrossEntropyLoss'),
                  temperature=TAU),
        queue_len=queue_len)


def naive_infonce(z1, z2, queue, tau):
    """Mean over the 2N anchors of -log(exp(s+/tau) / sum exp(s/tau)),
    the sum over the positive, the other 2N - 2 clips and the queue."""
    z = [list(map(float, row)) for row in torch.cat([z1, z2])]
    q = [list(map(float, row)) for row in queue]
    n2 = len(z)

    def dot(a, b):
        return sum(x * y for x, y in zip(a, b))

    total = 0.0
    for i in range(n2):
        partner = (i + n2 // 2) % n2
        pos = math.exp(dot(z[i], z[partner]) / tau)
        denom = pos
        for k in range(n2):
            if k not in (i, partner):
                denom += math.exp(dot(z[i], z[k]) / tau)
        for row in q:
            denom += math.exp(dot(z[i], row) / tau)
        total += -math.log(pos / denom)
    return total / n2


@pytest.mark.parametrize('queue_rows', [0, 5])
def test_infonce_equals_naive_loop(queue_rows):
    torch.manual_seed(0)
    z1 = F.normalize(torch.randn(3, 4, dtype=torch.float64), dim=1)
    z2 = F.normalize(torch.randn(3, 4, dtype=torch.float64), dim=1)
    queue = F.normalize(torch.randn(queue_rows, 4, dtype=torch.float64),
                        dim=1)
    head = MODELS.build(dict(type='mmpretrain.ContrastiveHead',
                             loss=dict(type='mmpretrain.CrossEntropyLoss'),
                             temperature=TAU))
    pos, neg = contrastive_logits(z1, z2, queue)
    assert pos.shape == (6, 1) and neg.shape == (6, 4 + queue_rows)
    loss = head.loss(pos, neg)
    assert loss.item() == pytest.approx(
        naive_infonce(z1, z2, queue, TAU), rel=1e-10)


def test_model_loss_is_infonce_of_its_embeddings():
    torch.manual_seed(0)
    model = MODELS.build(cvrl_cfg(queue_len=4))
    model.init_weights()
    model.train()
    x = torch.randn(3, 2, 3, 4, 32, 32)
    # pre-fill two rows so the queue's negatives count
    model.enqueue(F.normalize(torch.randn(2, 8), dim=1))
    queue = model.queued().clone()
    state = {k: v.clone() for k, v in model.state_dict().items()}
    loss = model(x, mode='loss')['loss_infonce']
    loss.backward()
    stem = next(model.backbone.parameters())
    assert stem.grad is not None and stem.grad.abs().sum() > 0
    model.load_state_dict(state)  # same BN statistics as the first call
    with torch.no_grad():
        z1, z2 = model.clip_pairs(x)
    assert loss.item() == pytest.approx(
        naive_infonce(z1.double(), z2.double(), queue.double(), TAU),
        rel=1e-4)


def test_queue_ring_order():
    model = MODELS.build(cvrl_cfg(queue_len=4))
    a = torch.arange(3 * 8, dtype=torch.float32).view(3, 8)
    b = -torch.arange(1, 3 * 8 + 1, dtype=torch.float32).view(3, 8)
    model.enqueue(a)
    assert int(model.queue_ptr) == 3 and model.queued().shape == (3, 8)
    assert torch.equal(model.queued(), a)
    model.enqueue(b)  # b0 -> row 3, b1 -> row 0, b2 -> row 1
    assert int(model.queue_ptr) == 2 and int(model.queue_filled) == 4
    expected = torch.stack([b[1], b[2], a[2], b[0]])
    assert torch.equal(model.queue, expected)
    model.enqueue(torch.ones(6, 8) * torch.arange(6.)[:, None])
    # 6 rows written in turn at rows 2, 3, 0, 1, 2, 3: rows 0..3 end with
    # 2, 3, 4, 5 (what writing them one by one leaves)
    assert torch.equal(model.queue[:, 0], torch.tensor([2., 3., 4., 5.]))
    assert int(model.queue_ptr) == 0


def test_training_fills_the_queue_with_both_clips():
    torch.manual_seed(0)
    model = MODELS.build(cvrl_cfg(queue_len=16)).train()
    x = torch.randn(2, 2, 3, 4, 32, 32)
    model(x, mode='loss')
    assert int(model.queue_filled) == 4
    assert model.queued().shape == (4, 8)
    assert torch.allclose(model.queued().norm(dim=1), torch.ones(4))


def test_tensor_mode_and_errors():
    model = MODELS.build(cvrl_cfg()).eval()
    feats = model(torch.randn(2, 2, 3, 4, 32, 32))
    assert feats.shape == (2, 2, 128)
    with pytest.raises(ValueError, match=r'\[N, 2, C, T, H, W\]'):
        model(torch.randn(2, 3, 3, 4, 32, 32), mode='loss')
    with pytest.raises(ValueError, match='not supported'):
        model(torch.randn(2, 2, 3, 4, 32, 32), mode='predict')
    with pytest.raises(ValueError, match='queue_len must be an int >= 0'):
        MODELS.build(cvrl_cfg(queue_len=-1))
    with pytest.raises(ValueError, match='N >= 2'):
        contrastive_logits(torch.randn(1, 4), torch.randn(1, 4))
    with pytest.raises(ValueError, match=r'queue must be \[K, 4\]'):
        contrastive_logits(torch.randn(2, 4), torch.randn(2, 4),
                           torch.randn(3, 5))
