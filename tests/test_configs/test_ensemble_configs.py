# Copyright (c) OpenMMLab. All rights reserved.
"""The ensemble configs: MoViNet-A0 2x half rate (equal FLOPs to one
full-rate A0) and the TDN-R50 8+16 recipe."""
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmtin.models.utils.flops import count_flops

init_default_scope('mmaction')


def _predict(model, inputs):
    samples = [ActionDataSample() for _ in range(inputs.shape[0])]
    data = model.data_preprocessor(dict(inputs=list(inputs),
                                        data_samples=samples))
    with torch.no_grad():
        return model(**data, mode='predict')


def test_movinet_a0_half_rate_ensemble(repo_root):
    cfg = Config.fromfile(
        str(repo_root / 'configs/movinet_a0_ensemble_2x_half_rate_k600.py'))
    full = Config.fromfile(str(repo_root / 'configs/movinet_a0_base_k600.py'))
    assert cfg.model.type == 'EnsembleRecognizer'
    assert cfg.model.fuse == 'logits'
    assert [m['frames'] for m in cfg.model.members] == [
        dict(offset=0, stride=2), dict(offset=1, stride=2)]
    for member in cfg.model.members:
        assert member['model'] == full.model.to_dict()
    # the sampled clip is the full-rate one
    assert cfg.test_pipeline == full.test_pipeline
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    single = MODELS.build(full.model).eval()
    clip = torch.rand(1, 1, 3, 50, 32, 32) * 255
    preds = _predict(model, clip)
    assert preds[0].pred_score.shape == (600, )
    assert abs(preds[0].pred_score.sum().item() - 1) < 1e-5
    # equal FLOPs: 2 x 25 frames against 50; only the clip-level head
    # (pool, 480 -> 2048 -> 600) runs twice: 2.8% at 32x32, 0.7% at 64x64
    x = torch.rand(1, 1, 3, 50, 64, 64)
    ratio = count_flops(model, x) / count_flops(single, x)
    assert 1.0 < ratio < 1.01, ratio


def test_tdn_8x16x_ensemble(repo_root):
    cfg = Config.fromfile(
        str(repo_root / 'configs/ensembles/tdn_r50_8x16x_kinetics400.py'))
    members = cfg.model.members
    assert [m['model']['backbone']['num_segments'] for m in members] == [
        8, 16]
    assert cfg.model.segment_len == 5 and cfg.model.num_frames == 80
    sampler = next(t for t in cfg.test_pipeline
                   if t['type'] == 'TDNSampleFrames')
    assert sampler['num_clips'] * sampler['clip_len'] == 80
    for member in members:
        member['checkpoint'] = None
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    x = torch.rand(1, 2 * 80, 3, 32, 32)  # 2 views
    assert model.member_inputs(x, 0).shape == (1, 2 * 40, 3, 32, 32)
    with torch.no_grad():
        scores = model(x)
    assert scores.shape == (1, 400)
    assert abs(scores.sum().item() - 1) < 1e-5


def test_movinet_a0_demo_bn_momentum(repo_root):
    """The demo trains ~100 steps: its BN running statistics must follow
    the batches (PyTorch's momentum 0.1, not MoViNet's 0.01, after which
    the eval-mode model predicted one class), in every demo config,
    members included."""
    demo = repo_root / 'configs/ensembles'
    for name in ('8x2', 'half_rate', 'ensemble_2x4x4'):
        cfg = Config.fromfile(str(demo / f'movinet_a0_demo_{name}.py'))
        model = MODELS.build(cfg.model)
        bns = [m for m in model.modules()
               if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
        assert bns and {m.momentum for m in bns} == {0.1}, name
