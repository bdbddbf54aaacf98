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
