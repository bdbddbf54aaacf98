# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMMLRecognizer: real skipping, fusion, loss, freezing, bad config."""
import pytest
import torch
import torch.nn.functional as F
from adamml_helpers import calibrate_bn, tiny_inputs, tiny_model_cfg
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

import mmtin  # noqa: F401
from mmtin.ops.temporal_difference import pooled_differences

MODS = ('rgb', 'audio', 'motion')


def _build(**kwargs):
    torch.manual_seed(0)
    model = MODELS.build(tiny_model_cfg(**kwargs))
    model.init_weights()
    calibrate_bn(model, tiny_inputs(num=2, seg=3, seed=1), mode='tensor')
    model.train()
    return model


def _samples(labels):
    return [ActionDataSample().set_gt_label(int(k)) for k in labels]


def _fixed_decisions(model, u):
    model.decide = lambda x, num, seg: u.clone()


def _count_calls(model):
    """Segments each sub-network's backbone is run on."""
    counts = {m: 0 for m in MODS}
    for m in MODS:
        def hook(module, args, m=m):
            counts[m] += args[0].shape[0]
        model.subnets[m].backbone.register_forward_pre_hook(hook)
    return counts


def _naive_segment_logits(model, inputs):
    """Every sub-network on every segment, one segment at a time."""
    out = {}
    with torch.no_grad():
        for m in MODS:
            x = inputs[m]
            rows = []
            for n in range(x.shape[0]):
                for s in range(x.shape[1]):
                    seg = x[n, s]
                    if m == 'motion':  # frame 1 - frame 0, 2x2 mean pool
                        seg = F.avg_pool2d(seg[1:] - seg[:1], 2)
                    rows.append(model.subnets[m](seg.reshape(
                        (1, ) + seg.shape[-3:])))
            out[m] = torch.cat(rows).view(x.shape[0], x.shape[1], -1)
    return out


def test_skipped_modalities_are_not_computed_and_contribute_zero():
    model = _build()
    model.eval()
    inputs = tiny_inputs(num=2, seg=3)
    u = torch.tensor([[[1., 0., 0.], [0., 1., 0.], [1., 1., 0.]],
                      [[0., 0., 1.], [0., 0., 0.], [1., 0., 0.]]])
    _fixed_decisions(model, u)
    counts = _count_calls(model)
    with torch.no_grad():
        out = model(inputs, mode='tensor')['logits']
    assert counts == {'rgb': 3, 'audio': 2, 'motion': 1}
    # independent reference: naive per-segment logits, masked and fused
    z = _naive_segment_logits(model, inputs)
    w = model.fusion.weights.detach()
    expected = sum(w[i] * u[..., i, None] * z[m]
                   for i, m in enumerate(MODS)).mean(1)
    torch.testing.assert_close(out, expected, rtol=1e-4, atol=1e-5)
    # the masked path (every sub-network run) gives the same numbers
    model.real_skip = False
    with torch.no_grad():
        torch.testing.assert_close(model(inputs, mode='tensor')['logits'],
                                   out, rtol=1e-4, atol=1e-5)
    # a skipped modality contributes exactly zero: changing its input for
    # all segments where it is skipped changes nothing
    model.real_skip = True
    changed = {k: v.clone() for k, v in inputs.items()}
    changed['motion'][0] += 100  # motion skipped in all of video 0
    changed['motion'][1, 1:] += 100  # and at (1, 1), (1, 2)
    changed['audio'][1] += 100  # audio skipped in all of video 1
    changed['audio'][0, 0] += 100  # and at (0, 0)
    changed['rgb'][1, 1] += 100  # rgb skipped at (1, 1)
    with torch.no_grad():
        diff = (model(changed, mode='tensor')['logits'] - out).abs().max()
    assert diff == 0, diff


def test_motion_uses_tdn_difference_math():
    model = _build()
    x = tiny_inputs(num=1, seg=2)
    seg = model.segment_inputs(x)['motion']
    expected = pooled_differences(x['motion'].flatten(0, 1).flatten(1, 2))
    assert torch.equal(seg, expected)
    naive = F.avg_pool2d(x['motion'][0, :, 1] - x['motion'][0, :, 0], 2)
    torch.testing.assert_close(seg, naive, rtol=1e-5, atol=1e-6)


def test_straight_through_gradients_reach_the_policy():
    model = _build()
    model.train()
    inputs = tiny_inputs(num=2, seg=3)
    losses = model(inputs, _samples([0, 1]), mode='loss')
    assert {'loss_cls', 'loss_usage', 'loss_wrong'} <= set(losses)
    u = model(inputs, mode='tensor')['decisions']
    assert set(u.unique().tolist()) <= {0.0, 1.0}
    assert u.requires_grad  # hard values, soft gradients
    model.zero_grad()
    losses = model(inputs, _samples([0, 1]), mode='loss')
    (losses['loss_cls'] + losses['loss_usage']).backward()
    grads = [p.grad for p in model.policy.fcs.parameters()]
    assert all(g is not None for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)


def test_loss_matches_hand_computation():
    model = _build(modality_loss_weight=0.5, gamma=3.0)
    model.eval()  # no dropout / BN updates; the loss path still runs
    inputs = tiny_inputs(num=2, seg=2)
    u = torch.tensor([[[1., 0., 1.], [1., 1., 0.]],
                      [[0., 1., 0.], [1., 0., 0.]]])
    _fixed_decisions(model, u)
    model.real_skip = False
    labels = torch.tensor([2, 1])
    with torch.no_grad():
        losses = model(inputs, _samples(labels), mode='loss')
        z = _naive_segment_logits(model, inputs)
    w = model.fusion.weights.detach()
    fused = sum(w[i] * u[..., i, None] * z[m]
                for i, m in enumerate(MODS)).mean(1)
    logp = fused.log_softmax(1)
    ce = -(logp[0, 2] + logp[1, 1]) / 2
    correct = (fused.argmax(1) == labels).float()
    usage = u.mean(1)
    cost = torch.tensor([0.5, 0.05, 0.8])
    eff = sum(cost[m] * (correct * usage[:, m]**2).mean() for m in range(3))
    assert losses['loss_cls'].item() == pytest.approx(ce.item(), rel=1e-4)
    assert losses['loss_usage'].item() == pytest.approx(eff.item(), abs=1e-6)
    assert losses['loss_wrong'].item() == pytest.approx(
        3.0 * (1 - correct).mean().item())
    for i, m in enumerate(MODS):
        ce_m = F.cross_entropy((u[..., i, None] * z[m]).mean(1), labels)
        assert losses[f'loss_{m}'].item() == pytest.approx(
            0.5 * ce_m.item(), rel=1e-4)


def test_predict_reports_usage_and_flops_of_what_ran():
    from mmengine.analysis import FlopAnalyzer
    model = _build()
    model.eval()
    inputs = tiny_inputs(num=2, seg=2)
    u = torch.tensor([[[1., 0., 0.], [1., 1., 0.]],
                      [[1., 1., 1.], [1., 1., 1.]]])
    _fixed_decisions(model, u)
    with torch.no_grad():
        out = model(inputs, _samples([0, 1]), mode='predict')
    torch.testing.assert_close(
        torch.tensor([out[0].usage[m] for m in MODS]),
        torch.tensor([1., .5, 0.]))
    seg = model.segment_inputs(inputs)
    per = {
        m: FlopAnalyzer(model.subnets[m], (seg[m][:1], )).total()
        for m in MODS
    }
    full = out[1].gflops * 1e9
    part = out[0].gflops * 1e9
    assert full - part == pytest.approx(
        per['audio'] + 2 * per['motion'], rel=1e-6)
    assert part > 2 * per['rgb'] + per['audio']  # + the policy's share


def test_policy_frozen_by_the_hook_decides_by_argmax_without_loss():
    """Fine-tuning: FreezeSubmodulesHook(modules=['policy']) freezes the
    policy; the recognizer follows the policy's eval mode."""
    from types import SimpleNamespace

    from mmaction.registry import HOOKS
    model = _build()
    inputs = tiny_inputs()
    losses = model(inputs, _samples([0, 1]), mode='loss')
    assert 'loss_usage' in losses and 'loss_wrong' in losses
    hook = HOOKS.build(dict(type='FreezeSubmodulesHook', modules=['policy']))
    runner = SimpleNamespace(
        model=model, logger=SimpleNamespace(info=lambda *a: None))
    hook.before_train(runner)
    model.train()
    hook.before_train_iter(runner, 0)
    assert model.training and not model.policy.training
    assert all(not p.requires_grad for p in model.policy.parameters())
    assert not model.policy_learns and not model.policy_samples
    losses = model(inputs, _samples([0, 1]), mode='loss')
    assert 'loss_usage' not in losses  # the policy no longer learns
    # argmax decisions, the same as at test time (no Gumbel noise)
    x = model.segment_inputs(inputs)
    with torch.no_grad():
        logits = model.policy(x, 3)
        u = model.decide(x, 2, 3)
    torch.testing.assert_close(u, (logits[..., 1] > logits[..., 0]).float())
    assert not hasattr(model, 'freeze')


def test_bad_config_and_inputs_are_named():
    with pytest.raises(ValueError, match='modalities'):
        MODELS.build(tiny_model_cfg(modalities=('rgb', 'flow')))
    cfg = tiny_model_cfg(modalities=('rgb', 'audio'), policy=False)
    with pytest.raises(ValueError, match='subnets'):
        MODELS.build(cfg)
    with pytest.raises(ValueError, match='cost_weights'):
        MODELS.build(tiny_model_cfg(cost_weights=[1.0]))
    model = _build(policy=False)
    inputs = tiny_inputs()
    del inputs['audio']
    with pytest.raises(KeyError, match='"audio"'):
        model(inputs, mode='tensor')


def test_keep_all_warm_up_pretrains_the_policy_backbones_only():
    """Warm-up: the policy decides nothing (every modality kept, no policy
    FLOPs, no efficiency loss) but its backbones learn through the linear
    probes; the probes play no part in the decisions."""
    from adamml_helpers import tiny_policy
    model = _build(keep_all=True, policy_pretrain_loss_weight=0.5,
                   policy=dict(tiny_policy(), num_classes=4))
    inputs = tiny_inputs()
    labels = torch.tensor([0, 3])
    model.zero_grad()
    losses = model(inputs, _samples(labels), mode='loss')
    assert 'loss_usage' not in losses and 'loss_wrong' not in losses
    assert float(losses['usage_rgb']) == 1.0
    # the probe loss: 0.5 * CE of the segment-averaged probe logits
    x = model.segment_inputs(inputs)
    probe = model.policy.probe_logits(x)
    for m in MODS:
        expected = 0.5 * F.cross_entropy(probe[m].view(2, 3, -1).mean(1),
                                         labels)
        torch.testing.assert_close(losses[f'loss_policy_{m}'], expected)
    sum(v for k, v in losses.items() if k.startswith('loss_policy')
        ).backward()
    assert model.policy.backbones.rgb.conv1.conv.weight.grad.abs().sum() > 0
    assert model.policy.lstm.weight_ih.grad is None  # decides nothing
    # evaluation: every modality in every segment, the policy not run
    model.eval()
    calls = []
    model.policy.register_forward_pre_hook(lambda *a: calls.append(1))
    with torch.no_grad():
        out = model(inputs, _samples(labels), mode='predict')
    assert not calls
    assert out[0].usage == dict(rgb=1., audio=1., motion=1.)
    per = model.segment_flops(inputs)
    assert per['policy'] == 0
    # the same weights with the policy deciding (the joint stage)
    model.keep_all = False
    model._flops_cache.clear()
    with torch.no_grad():
        model(inputs, _samples(labels), mode='predict')
    assert calls


def test_policy_pretrain_needs_probes():
    with pytest.raises(ValueError, match='num_classes'):
        MODELS.build(tiny_model_cfg(policy_pretrain_loss_weight=1.0))
    with pytest.raises(ValueError, match='num_classes'):
        MODELS.build(tiny_model_cfg(policy=False,
                                    policy_pretrain_loss_weight=1.0))


def test_sample_gflops_is_the_parts_run_counted_separately():
    """Per video: the policy once (its FLOPs on that video's segments,
    counted through a wrapper of the test's own) plus, for every kept
    (segment, modality), that sub-network on one segment."""
    from torch import nn

    from mmtin.models.utils.flops import module_flops

    class PolicyOnTensors(nn.Module):

        def __init__(self, policy):
            super().__init__()
            self.policy = policy

        def forward(self, rgb, audio, motion):
            return self.policy(dict(rgb=rgb, audio=audio, motion=motion), 2)

    model = _build()
    model.eval()
    inputs = tiny_inputs(num=2, seg=2)
    u = torch.tensor([[[1., 0., 0.], [0., 0., 1.]],
                      [[0., 0., 0.], [0., 0., 0.]]])
    seg = model.segment_inputs(inputs)
    per = {m: module_flops(model.subnets[m], (seg[m][:1], )) for m in MODS}
    policy = module_flops(PolicyOnTensors(model.policy),
                          tuple(seg[m][:2] for m in MODS))
    assert policy > 0
    expected = torch.tensor(
        [policy + per['rgb'] + per['motion'], policy]) / 1e9
    torch.testing.assert_close(model.sample_gflops(inputs, u), expected)
    everything = policy + 2 * sum(per.values())
    torch.testing.assert_close(model.sample_gflops(inputs),
                               torch.full((2, ), everything / 1e9))
