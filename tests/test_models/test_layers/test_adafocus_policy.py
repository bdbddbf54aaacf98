# Copyright (c) OpenMMLab. All rights reserved.
import pytest
import torch

from mmtin.models.layers import AdaFocusPolicy


def _policy(**kwargs):
    cfg = dict(in_channels=8, feat_size=(3, 3), reduce_channels=4,
               hidden_channels=16)
    cfg.update(kwargs)
    return AdaFocusPolicy(**cfg)


def test_continuous_shapes_and_range():
    policy = _policy()
    out = policy(torch.randn(2, 5, 8, 3, 3))
    assert set(out) == {'centers', 'hidden'}
    assert out['centers'].shape == (2, 5, 2)
    assert ((out['centers'] > 0) & (out['centers'] < 1)).all()


def test_discrete_shapes_and_causality():
    policy = _policy(action_type='discrete', action_dim=25).eval()
    feats = torch.randn(2, 4, 8, 3, 3)
    out = policy(feats)
    assert out['logits'].shape == (2, 4, 25)
    assert out['values'].shape == (2, 4)
    # the recurrent state at step t uses frames <= t only
    changed = feats.clone()
    changed[:, 3] += 1
    out2 = policy(changed)
    torch.testing.assert_close(out['logits'][:, :3], out2['logits'][:, :3])
    assert not torch.allclose(out['logits'][:, 3], out2['logits'][:, 3])


def test_action_positions_grid():
    policy = _policy(action_type='discrete', action_dim=49)
    pos = policy.action_positions(torch.tensor([0, 6, 42, 48, 24, 8]))
    expected = torch.tensor([[0., 0.], [1., 0.], [0., 1.], [1., 1.],
                             [0.5, 0.5], [1 / 6, 1 / 6]])
    torch.testing.assert_close(pos, expected)


def test_discounted_returns_hand_computed():
    policy = _policy(action_type='discrete', action_dim=4)
    rewards = torch.tensor([[1., 0., 2.]])
    # gamma 0.7: R2 = 2, R1 = 0 + 0.7 * 2, R0 = 1 + 0.7 * 1.4
    expected = torch.tensor([[1 + 0.7 * 1.4, 1.4, 2.]])
    torch.testing.assert_close(policy.ppo_loss.discounted_returns(rewards),
                               expected)


def test_published_ppo_defaults():
    assert _policy(action_type='discrete').ppo_cfg == dict(
        gamma=0.7, clip=0.2, epochs=1, value_weight=0.5,
        entropy_weight=0.01)


def test_ppo_update_moves_towards_higher_reward_action():
    """A bandit inside the policy: action 3 pays 1, the others 0. One PPO
    update (Adam, lr 3e-4, as published) on sampled actions must raise the
    probability of action 3 in every state."""
    torch.manual_seed(0)
    policy = _policy(action_type='discrete', action_dim=4)
    optim = torch.optim.Adam(policy.parameters(), lr=3e-4)
    feats = torch.randn(64, 2, 8, 3, 3)
    with torch.no_grad():
        before = policy(feats)['logits'].softmax(-1)[..., 3]
        dist = torch.distributions.Categorical(
            logits=policy(feats)['logits'])
        actions = dist.sample()
        old = dist.log_prob(actions)
    rewards = (actions == 3).float()
    out = policy(feats)
    losses = policy.ppo_loss(out['logits'], out['values'], actions, old,
                             rewards)
    optim.zero_grad()
    sum(losses.values()).backward()
    optim.step()
    with torch.no_grad():
        after = policy(feats)['logits'].softmax(-1)[..., 3]
    assert (after > before).float().mean() > 0.9
    assert after.mean() > before.mean()


def test_ppo_clip_stops_gradient_beyond_clip():
    policy = _policy(action_type='discrete', action_dim=4)
    logits = torch.zeros(1, 1, 4, requires_grad=True)
    values = torch.zeros(1, 1)
    # old prob of action 0 was much lower: ratio = 4 > 1 + clip, A > 0
    old = torch.log(torch.tensor([[0.0625]]))
    losses = policy.ppo_loss(logits, values, torch.tensor([[0]]), old,
                             torch.tensor([[1.]]))
    losses['loss_actor'].backward()
    assert torch.count_nonzero(logits.grad) == 0


@pytest.mark.parametrize('kwargs, match', [
    (dict(action_type='discrete', action_dim=50), 'action_dim'),
    (dict(action_type='gauss'), 'action_type'),
    (dict(ppo_cfg=dict(lr=1.)), 'ppo_cfg'),
])
def test_bad_config(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _policy(**kwargs)


def test_bad_feature_shape_names_keys():
    with pytest.raises(ValueError, match='feat_size'):
        _policy()(torch.randn(2, 3, 8, 4, 4))


def _conv_policy(**kwargs):
    return _policy(feat_size=(6, 6), actor_type='conv', **kwargs)


def test_conv_actor_shapes_and_frame_independence():
    policy = _conv_policy(action_type='discrete', action_dim=36).eval()
    feats = torch.randn(2, 4, 8, 6, 6)
    out = policy(feats)
    assert out['logits'].shape == (2, 4, 36)
    assert out['values'].shape == (2, 4)
    changed = feats.clone()
    changed[:, 0] += 1  # no memory: only frame 0's outputs change
    out2 = policy(changed)
    torch.testing.assert_close(out['logits'][:, 1:], out2['logits'][:, 1:])
    assert not torch.allclose(out['logits'][:, 0], out2['logits'][:, 0])
    centers = _conv_policy()(feats)['centers']
    assert centers.shape == (2, 4, 2)
    assert ((centers >= 0) & (centers <= 1)).all()


def test_conv_actor_is_translation_equivariant():
    """A pattern moved by (2, 3) cells moves the score map by (2, 3): what
    the actor learns at one place holds at every place."""
    torch.manual_seed(0)
    policy = _conv_policy(action_type='discrete', action_dim=36).eval()
    pattern = torch.randn(8, 2, 2)
    a = torch.zeros(1, 1, 8, 6, 6)
    b = torch.zeros(1, 1, 8, 6, 6)
    a[..., 1:3, 1:3] = pattern
    b[..., 3:5, 2:4] = pattern
    la = policy(a)['logits'].view(6, 6)
    lb = policy(b)['logits'].view(6, 6)
    # cells whose 3x3 neighbourhood (both maps) stays inside the map
    torch.testing.assert_close(lb[3:5, 2:4], la[1:3, 1:3])
    assert la.argmax() != lb.argmax()


def test_conv_actor_has_no_preferred_place_on_a_uniform_glance():
    """Replicate padding: on a map whose cells are all alike, border
    cells score like inner ones (zero padding would mark the border)."""
    torch.manual_seed(0)
    policy = _conv_policy(action_type='discrete', action_dim=36).eval()
    feats = torch.randn(1, 1, 8, 1, 1).expand(1, 1, 8, 6, 6)
    logits = policy(feats)['logits']
    torch.testing.assert_close(logits, logits[..., :1].expand_as(logits))


def test_conv_actor_soft_argmax_hand_computed():
    """Continuous: the centre is the score-weighted mean of the cell
    positions; one dominant cell gives that cell's position."""
    policy = _conv_policy()

    class Fixed(torch.nn.Module):

        def forward(self, x):
            scores = torch.zeros(x.shape[0], 1, 6, 6)
            scores[:, :, 4, 1] = 30.  # row 4, column 1
            return scores

    policy.scorer = Fixed()
    centers = policy(torch.randn(1, 2, 8, 6, 6))['centers']
    torch.testing.assert_close(centers, torch.tensor([[[0.2, 0.8]] * 2]),
                               atol=1e-6, rtol=0)
    # equal scores: the mean of the grid, (0.5, 0.5)
    policy.scorer = torch.nn.Conv2d(8, 1, 1)
    torch.nn.init.zeros_(policy.scorer.weight)
    centers = policy(torch.randn(1, 1, 8, 6, 6))['centers']
    torch.testing.assert_close(centers, torch.full((1, 1, 2), 0.5))


@pytest.mark.parametrize('kwargs, match', [
    (dict(feat_size=(6, 6), action_type='discrete', action_dim=49),
     'action_dim'),
    (dict(feat_size=(6, 4)), 'feat_size'),
    (dict(actor_type='lstm'), 'actor_type'),
])
def test_conv_actor_bad_config(kwargs, match):
    kwargs.setdefault('actor_type', 'conv')
    with pytest.raises(ValueError, match=match):
        _policy(**kwargs)


def test_frame_by_frame_with_hidden_equals_whole_clip():
    """The GRU state after frame t continues the clip exactly (early exit
    runs the policy one frame at a time)."""
    policy = _policy().eval()
    feats = torch.randn(2, 4, 8, 3, 3)
    whole = policy(feats)['centers']
    hidden, steps = None, []
    for t in range(4):
        out = policy(feats[:, t:t + 1], hidden)
        hidden = out['hidden']
        steps.append(out['centers'])
    torch.testing.assert_close(torch.cat(steps, 1), whole)
