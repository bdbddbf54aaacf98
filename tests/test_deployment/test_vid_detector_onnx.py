# Copyright (c) OpenMMLab. All rights reserved.
"""The video detectors' parts export to ONNX and match onnxruntime; the
parts run in the keyframe schedule reproduce the PyTorch clip features."""
import copy

import pytest
import torch
from mmengine.registry import init_default_scope
from vid_detection_helpers import FRAME, VIDEO

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.deployment import detector_parts, export_part, verify_part


def build(cfg):
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(copy.deepcopy(cfg))
    model.init_weights()
    return model.eval()


@pytest.mark.parametrize('cfg,names', [
    (FRAME, {'frame'}),
    (dict(VIDEO, keyframe_interval=1), {'frame'}),
    (VIDEO, {'keyframe', 'srfu', 'nonkey', 'heads'}),
    (dict(VIDEO, alignment='copy'), {'keyframe', 'srfu', 'nonkey', 'heads'}),
])
def test_parts_match_onnxruntime(cfg, names):
    parts = detector_parts(build(cfg), (2, 3, 32, 32))
    assert set(parts) == names
    for name, (module, inputs, ins, outs) in parts.items():
        graph = export_part(module, inputs, ins, outs)
        diffs = verify_part(module, graph, inputs, ins)
        assert len(diffs) == len(outs)
        assert max(diffs) < 1e-4, (name, diffs)


def test_parts_in_schedule_equal_clip_features():
    model = build(dict(VIDEO, keyframe_interval=2))
    parts = {k: v[0] for k, v in detector_parts(model,
                                                (1, 3, 32, 32)).items()}
    clip = torch.randn(1, 4, 3, 32, 32)
    with torch.no_grad():
        ref = model.clip_features(clip)
        m0 = parts['keyframe'](clip[:, 0])
        f1 = parts['nonkey'](clip[:, 1], m0)
        m2 = parts['srfu'](parts['keyframe'](clip[:, 2]), m0)
        f3 = parts['nonkey'](clip[:, 3], m2)
    got = torch.cat((m0, f1, m2, f3))
    assert torch.allclose(got, ref, atol=1e-5)
