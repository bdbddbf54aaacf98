# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML policy: shapes, causal recurrence over segments."""
import pytest
import torch
from adamml_helpers import calibrate_bn, tiny_inputs, tiny_policy
from mmaction.registry import MODELS

import mmtin  # noqa: F401


def _segment_inputs(inputs):
    return dict(
        rgb=inputs['rgb'].flatten(0, 1),
        audio=inputs['audio'].flatten(0, 1),
        motion=inputs['motion'][:, :, 0].flatten(0, 1))


def test_shapes_and_causality():
    torch.manual_seed(0)
    cfg = tiny_policy()
    policy = MODELS.build(dict(cfg, modalities=('rgb', 'audio', 'motion')))
    policy.init_weights()
    inputs = tiny_inputs(num=2, seg=3)
    x = _segment_inputs(inputs)
    calibrate_bn(policy, x, 3)
    with torch.no_grad():
        out = policy(x, 3)
        assert out.shape == (2, 3, 3, 2)
        # change the last segment of video 0: earlier logits stay, the
        # last segment's change
        x2 = {k: v.clone() for k, v in x.items()}
        x2['rgb'][2] += 5
        out2 = policy(x2, 3)
        torch.testing.assert_close(out2[:, :2], out[:, :2])
        torch.testing.assert_close(out2[1], out[1])
        assert not torch.allclose(out2[0, 2], out[0, 2])
        # change the first segment: later segments see it through the LSTM
        x3 = {k: v.clone() for k, v in x.items()}
        x3['audio'][0] += 5
        out3 = policy(x3, 3)
        assert not torch.allclose(out3[0, 1], out[0, 1])


def test_bad_config_names_backbones():
    cfg = tiny_policy()
    cfg['backbones'] = {'rgb': cfg['backbones']['rgb']}
    with pytest.raises(ValueError, match='backbones'):
        MODELS.build(dict(cfg, modalities=('rgb', 'audio')))


def test_fold_channels_feeds_the_group_mean():
    torch.manual_seed(0)
    cfg = dict(tiny_policy(), modalities=('rgb', 'audio', 'motion'))
    policy = MODELS.build(dict(cfg, fold_channels=dict(motion=4)))
    seen = []
    policy.backbones['motion'].register_forward_pre_hook(
        lambda module, args: seen.append(args[0]))
    x = torch.arange(2 * 12 * 4 * 4, dtype=torch.float).view(2, 12, 4, 4)
    policy._features('motion', x)
    # hand-computed: channel c of the result is the mean of channels
    # c, c + 3, c + 6, c + 9 of the input
    want = torch.stack([(x[:, c] + x[:, c + 3] + x[:, c + 6] + x[:, c + 9])
                        / 4 for c in range(3)], dim=1)
    torch.testing.assert_close(seen[0], want)
    with pytest.raises(ValueError, match=r"fold_channels\['motion'\] = 4"):
        policy._features('motion', x[:, :10])
    with pytest.raises(ValueError, match='fold_channels has keys'):
        MODELS.build(dict(cfg, fold_channels=dict(flow=2)))
