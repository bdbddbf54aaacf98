# Copyright (c) OpenMMLab. All rights reserved.
import copy

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.optim import OptimWrapper, OptimWrapperDict

import mmtin  # noqa: F401

T = 3


def tiny_cfg(**kwargs):
    cfg = dict(
        type='AdaFocusRecognizer',
        num_segments=T,
        patch_size=16,
        glance_size=16,
        frame_size=32,
        patch_mode='v2',
        glancer=dict(type='MobileNetV2', widen_factor=0.25,
                     out_indices=(2, )),
        focuser=dict(type='mmpretrain.ResNet', depth=18, stem_channels=8,
                     base_channels=8, out_indices=(3, )),
        policy=dict(type='AdaFocusPolicy', in_channels=8, feat_size=(2, 2),
                    reduce_channels=4, hidden_channels=16),
        cls_head=dict(type='RecurrentClsHead', num_classes=3,
                      in_channels=8 + 64, hidden_channels=16,
                      dropout_ratio=0.),
        data_preprocessor=dict(type='mmaction.ActionDataPreprocessor',
                               mean=[128.] * 3, std=[64.] * 3,
                               format_shape='NCHW'))
    for key, value in kwargs.items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict) \
                and 'type' not in value:
            cfg[key] = dict(cfg[key], **value)
        else:
            cfg[key] = value
    return cfg


def build(**kwargs):
    torch.manual_seed(0)
    model = MODELS.build(tiny_cfg(**kwargs))
    model.init_weights()
    return model


def samples(n):
    return [ActionDataSample().set_gt_label(i % 3) for i in range(n)]


def batch(n=2, views=1, size=32):
    torch.manual_seed(1)
    return torch.rand(n, views * T, 3, size, size) * 255


def test_loss_path_trains_every_part_in_v2():
    model = build()
    losses = model(batch(), samples(2), mode='loss')
    assert set(losses) == {'loss_cls', 'top1_acc'}
    losses['loss_cls'].backward()
    for name in ('glancer', 'focuser', 'policy', 'cls_head'):
        grads = [p.grad for p in getattr(model, name).parameters()
                 if p.grad is not None]
        assert grads and any(g.abs().sum() > 0 for g in grads), name


def test_policy_input_detached_by_default():
    model = build(detach_policy_input=True, patch_mode='v2')
    x = batch()
    frames = model._frames(x)
    gmap, _ = model.glance(frames)
    pos = model.select(gmap)
    pos.sum().backward()
    assert all(p.grad is None for p in model.glancer.parameters())


def test_focus_reads_the_patch_at_the_position():
    """The focuser sees exactly the slice at the patch corner u*(size-P)."""
    model = build(patch_mode='center').eval()
    seen = []
    model.focuser.register_forward_hook(
        lambda m, inp, out: seen.append(inp[0]))
    frames = model._frames(batch())
    pos = torch.tensor([[[0., 0.], [1., 1.], [0.5, 0.25]]]).repeat(2, 1, 1)
    model.focus(frames, pos)
    patches = seen[0].view(2, T, 3, 16, 16)
    for n in range(2):
        for t, (x0, y0) in enumerate([(0, 0), (16, 16), (8, 4)]):
            torch.testing.assert_close(
                patches[n, t], frames.view(2, T, 3, 32, 32)[
                    n, t, :, y0:y0 + 16, x0:x0 + 16])


def test_predict_final_step_and_flops():
    model = build().eval()
    with torch.no_grad():
        out = model(batch(), samples(2), mode='predict')
        logits, _ = model.extract_feat(batch())
    assert out[0].pred_score.shape == (3, )
    torch.testing.assert_close(out[0].pred_score, logits[0, -1].softmax(-1))
    assert out[0].usage['frames'] == T
    per_frame = model.flops_per_frame((32, 32))
    for key in ('glancer', 'focuser', 'policy', 'cls_head'):
        assert per_frame[key] > 0, key
    # the focuser is charged at the patch size, not the frame size
    from mmengine.analysis import FlopAnalyzer
    patch = FlopAnalyzer(model.focuser, torch.zeros(1, 3, 16, 16)).total()
    frame = FlopAnalyzer(model.focuser, torch.zeros(1, 3, 32, 32)).total()
    assert per_frame['focuser'] == pytest.approx(patch) and patch < frame
    # GRUs (skipped by the analyzer) are counted: 3 gates x (in + hidden)
    # x hidden per step for the classifier's GRU of 72 -> 16
    assert per_frame['cls_head'] >= 3 * (72 * 16 + 16 * 16)
    assert out[1].gflops == pytest.approx(T * per_frame['total'] / 1e9)


def test_multi_view_scores_are_averaged():
    model = build(patch_mode='center').eval()
    x = batch(n=2, views=2)
    with torch.no_grad():
        out = model(x, samples(2), mode='predict')
        logits, _ = model.extract_feat(x)
    expected = logits[:2, -1].softmax(-1).mean(0)
    torch.testing.assert_close(out[0].pred_score, expected)
    assert out[0].usage['frames'] == 2 * T


def test_early_exit_counts_frames_and_matches_truncated_clip():
    """exit_threshold=0 exits after frame 1; the score equals that of the
    clip truncated to its first frame (causal model), and the cost is one
    frame's."""
    model = build(patch_mode='center').eval()
    x = batch()
    with torch.no_grad():
        full = model(x, samples(2), mode='predict')
        model.test_cfg['exit_threshold'] = 0.
        early = model(x, samples(2), mode='predict')
        truncated = build(patch_mode='center', num_segments=1).eval()
        truncated.load_state_dict(model.state_dict())
        first = truncated(x[:, :1], samples(2), mode='predict')
    assert early[0].usage['frames'] == 1 and full[0].usage['frames'] == T
    assert early[0].gflops == pytest.approx(full[0].gflops / T)
    torch.testing.assert_close(early[0].pred_score, first[0].pred_score)
    model.test_cfg['exit_threshold'] = 1.1  # never confident: all frames
    with torch.no_grad():
        late = model(x, samples(2), mode='predict')
    assert late[0].usage['frames'] == T


def test_v1_ppo_train_step_updates_policy_only():
    """Stage 2 of V1: glancer, focuser and classifier frozen (as
    FreezeSubmodulesHook does), one optimizer over the whole model: PPO
    only."""
    model = build(patch_mode='v1',
                  policy=dict(action_type='discrete', action_dim=4))
    for name in ('glancer', 'focuser', 'cls_head'):
        getattr(model, name).requires_grad_(False)
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=3e-4))
    before = copy.deepcopy(model.state_dict())
    data = dict(inputs=list(batch()), data_samples=samples(2))
    log_vars = model.train_step(data, wrapper)
    assert {'loss_ppo', 'loss_actor', 'loss_value', 'loss_entropy',
            'reward'} <= set(log_vars)
    after = model.state_dict()
    changed = {k.split('.')[0] for k in before
               if not torch.equal(before[k], after[k])}
    assert changed == {'policy'}


def test_random_mode_uses_uniform_positions():
    model = build(patch_mode='random', policy=None)
    gmap = torch.zeros(500, T, 8, 2, 2)
    pos = model.select(gmap)
    assert pos.shape == (500, T, 2)
    assert 0.45 < pos.mean() < 0.55 and pos.min() >= 0 and pos.max() <= 1


@pytest.mark.parametrize('kwargs, match', [
    (dict(patch_size=48), 'patch_size'),
    (dict(glance_size=40), 'glance_size'),
    (dict(focuser=dict(type='ResNetTSM', depth=18, num_segments=8,
                       pretrained=None)), 'focuser.num_segments'),
    (dict(glancer=dict(type='MobileNetV2TSM', num_segments=4,
                       pretrained=None)), 'glancer.num_segments'),
    (dict(patch_mode='v1'), 'action_type'),
    (dict(patch_mode='v2', policy=None), 'policy'),
    (dict(patch_mode='saliency'), 'patch_mode'),
])
def test_bad_configs_name_the_key(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(tiny_cfg(**kwargs))


def test_patch_larger_than_input_frames_rejected():
    model = build(frame_size=None)
    with pytest.raises(ValueError, match='patch_size'):
        model.extract_feat(torch.rand(1, T, 3, 12, 12))
    with pytest.raises(ValueError, match='num_segments'):
        model.extract_feat(torch.rand(1, T + 1, 3, 32, 32))


def test_tsm_backbones_work():
    model = build(
        glancer=dict(type='MobileNetV2TSM', num_segments=T,
                     widen_factor=0.25, out_indices=(2, ), pretrained=None,
                     pretrained2d=False),
        focuser=dict(type='ResNetTSM', depth=18, num_segments=T,
                     pretrained=None, pretrained2d=False),
        cls_head=dict(in_channels=8 + 512))
    losses = model(batch(), samples(2), mode='loss')
    assert torch.isfinite(losses['loss_cls'])


def test_v1_ppo_and_classification_when_both_learn():
    """Nothing frozen: PPO updates the policy, then the classification
    update the rest, with one optim wrapper."""
    model = build(patch_mode='v1',
                  policy=dict(action_type='discrete', action_dim=4))
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    before = copy.deepcopy(model.state_dict())
    data = dict(inputs=list(batch()), data_samples=samples(2))
    log_vars = model.train_step(data, wrapper)
    assert {'loss_ppo', 'loss_cls', 'reward'} <= set(log_vars)
    after = model.state_dict()
    changed = {k.split('.')[0] for k in before
               if not torch.equal(before[k], after[k])}
    assert changed == {'glancer', 'focuser', 'policy', 'cls_head'}
    with pytest.raises(TypeError, match='FreezeSubmodulesHook'):
        model.train_step(data, OptimWrapperDict(main=wrapper))


def test_init_weights_honours_init_cfg(tmp_path):
    """BaseModel's init_weights: a Pretrained init_cfg of the whole model
    loads every sub-module's weights after their own initialisation."""
    source = build(patch_mode='center')
    with torch.no_grad():
        for p in source.parameters():
            p.add_(1.)
    path = str(tmp_path / 'source.pth')
    torch.save(dict(state_dict=source.state_dict()), path)
    model = MODELS.build(tiny_cfg(
        patch_mode='center',
        init_cfg=dict(type='Pretrained', checkpoint=path)))
    model.init_weights()
    for key, value in source.state_dict().items():
        torch.testing.assert_close(model.state_dict()[key], value)


def test_sample_gflops_is_the_parts_run_counted_separately():
    """Each part's FLOPs on the inputs it actually saw in a prediction,
    per frame, plus the GRU steps (hand: 3 * (in * hidden + hidden^2)) and
    the bilinear crop (4 multiply-adds per patch value), times the frames
    run (early exit after frame 1 here)."""
    from mmtin.models.utils.flops import module_flops
    model = build().eval()  # v2: the policy runs
    seen = {}

    def record(name):
        def hook(module, inputs, output):
            seen.setdefault(name, inputs)
        return hook

    for name in ('glancer', 'focuser', 'policy', 'cls_head'):
        getattr(model, name).register_forward_hook(record(name))
    x = batch(n=2)
    with torch.no_grad():
        model(x, samples(2), mode='predict')  # every frame: parts batched
        model.test_cfg['exit_threshold'] = 0.
        out = model(x, samples(2), mode='predict')
    frames = 2 * T  # clips x frames the parts saw in the first run
    parts = sum(
        module_flops(getattr(model, name), seen[name]) / frames
        for name in seen)
    gru = 3 * (16 * 16 + 16 * 16) + 3 * (72 * 16 + 16 * 16)
    crop = 4 * 3 * 16 * 16
    per_frame = parts + gru + crop
    assert [s.usage['frames'] for s in out] == [1, 1]
    assert out[0].gflops == pytest.approx(per_frame / 1e9, rel=1e-9)
    executed = torch.tensor([T, 2])
    torch.testing.assert_close(
        model.sample_gflops(x, executed),
        executed.double() * per_frame / 1e9)
    torch.testing.assert_close(model.sample_gflops(x),
                               torch.full((2, ), T * per_frame / 1e9,
                                          dtype=torch.float64))


def _confident_model(**kwargs):
    """A model whose clips reach different confidences at different steps
    (a large classifier makes the softmax peaked)."""
    model = build(**kwargs).eval()
    with torch.no_grad():
        model.cls_head.fc_cls.weight.mul_(300.)
    return model


def _naive_exit(logits, threshold):
    """Reference: every frame run, then per clip the first step whose max
    softmax reaches the threshold (else the last)."""
    scores, steps = [], []
    for clip in logits:
        for t in range(clip.shape[0]):
            if t == clip.shape[0] - 1 or \
                    clip[t].softmax(-1).max() >= threshold:
                scores.append(clip[t])
                steps.append(t)
                break
    return torch.stack(scores), steps


def _mixed_threshold(logits):
    """A threshold at which the clips exit at different steps, one early."""
    conf = logits.softmax(-1).amax(-1).flatten().sort().values
    for thr in conf.tolist():
        _, steps = _naive_exit(logits, thr)
        if len(set(steps)) > 1 and min(steps) < T - 1:
            return thr, steps
    raise AssertionError('no threshold separates the clips')


@pytest.mark.parametrize('mode', ['v2', 'center'])
def test_early_exit_stops_computing_and_equals_naive_reference(mode):
    """Real early exit: scores equal the 'run all T, pick the exit step'
    reference; each step runs every part only on the clips still running
    (the batch is compacted), and usage/gflops count those frames."""
    model = _confident_model(patch_mode=mode)
    x = batch(n=6)
    with torch.no_grad():
        logits, _ = model.extract_feat(x)
    threshold, steps = _mixed_threshold(logits)
    expected, _ = _naive_exit(logits, threshold)
    per_frame = model.flops_per_frame((32, 32))['total']  # cached first
    sizes = {}

    def record(name):
        def hook(module, inputs, output):
            sizes.setdefault(name, []).append(inputs[0].shape[0])
        return hook

    parts = dict(glancer=model.glancer, focuser=model.focuser,
                 head_gru=model.cls_head.gru)
    if mode == 'v2':
        parts['policy'] = model.policy
    for name, module in parts.items():
        module.register_forward_hook(record(name))
    model.test_cfg['exit_threshold'] = threshold
    with torch.no_grad():
        out = model(x, samples(6), mode='predict')
    running = [sum(s >= t for s in steps) for t in range(max(steps) + 1)]
    for name in parts:
        assert sizes[name] == running, name
    torch.testing.assert_close(
        torch.stack([s.pred_score for s in out]), expected.softmax(-1))
    assert [s.usage['frames'] for s in out] == [s + 1 for s in steps]
    for sample, step in zip(out, steps):
        assert sample.gflops == pytest.approx((step + 1) * per_frame / 1e9)


def test_early_exit_multi_view_sums_frames_per_video():
    model = _confident_model(patch_mode='center')
    x = batch(n=3, views=2)
    with torch.no_grad():
        logits, _ = model.extract_feat(x)
    threshold, steps = _mixed_threshold(logits)
    model.test_cfg['exit_threshold'] = threshold
    with torch.no_grad():
        out = model(x, samples(3), mode='predict')
    frames = [steps[2 * i] + steps[2 * i + 1] + 2 for i in range(3)]
    assert [s.usage['frames'] for s in out] == frames


def test_early_exit_with_frame_mixing_backbones_charges_every_frame():
    """TSM backbones need the whole clip: every frame is computed and
    charged; the score is still the exit step's."""
    model = build(
        patch_mode='center',
        focuser=dict(type='ResNetTSM', depth=18, num_segments=T,
                     pretrained=None, pretrained2d=False),
        cls_head=dict(in_channels=8 + 512)).eval()
    assert model.mixes_frames and not build().mixes_frames
    x = batch()
    model.test_cfg['exit_threshold'] = 0.
    with torch.no_grad():
        out = model(x, samples(2), mode='predict')
        logits, _ = model.extract_feat(x)
    assert [s.usage['frames'] for s in out] == [T, T]
    torch.testing.assert_close(out[0].pred_score, logits[0, 0].softmax(-1))
