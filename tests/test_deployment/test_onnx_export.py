# Copyright (c) OpenMMLab. All rights reserved.
"""Whole-recognizer ONNX export of every family: onnxruntime gives the
``pred_score`` of MMAction2's own predict path; dynamic batch; the stream
step with its states as inputs and outputs; bad shapes named."""
import numpy as np
import onnx
import pytest
import torch
from export_tiny_configs import TINY, write_config
from mmaction.structures import ActionDataSample

import mmtin  # noqa: F401
from mmtin.apis import build_recognizer
from mmtin.deployment import (StreamStepScores, example_inputs,
                              export_input_shape, export_module, export_onnx,
                              ort_session)
from mmtin.deployment.onnx_export import run_torch
from mmtin.models.utils import switch_to_deploy

ATOL = 1e-5


def load_recognizer(config):
    """The random-init recognizer of a config file, and its config."""
    model = build_recognizer(config)
    return model, model.cfg


def _predict(model, inputs):
    """``pred_score`` of MMAction2's predict path (data samples, head
    ``predict``), one row per clip."""
    samples = [ActionDataSample() for _ in range(inputs.shape[0])]
    with torch.no_grad():
        out = model(inputs, samples, mode='predict')
    return torch.stack([s.pred_score for s in out]).numpy()


def _randomize_bn(model, seed=3):
    """Non-trivial BN statistics, so that eval-mode BN matters."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) *
                                 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) +
                                0.5)
    return model


def _export(tmp_path, family, dynamic_batch=False):
    model, cfg = load_recognizer(write_config(tmp_path, family))
    _randomize_bn(model)
    shape = export_input_shape(model, cfg)
    module = export_module(model, shape)
    data = export_onnx(module, example_inputs(module, shape),
                       dynamic_batch=dynamic_batch)
    return model, shape, data


@pytest.mark.parametrize(
    'family',
    ['tin', 'tdn', 'movinet', 'resnet3d_rs'])
def test_clip_models_match_predict(tmp_path, family):
    model, shape, data = _export(tmp_path, family,
                                 dynamic_batch=family == 'tin')
    assert shape == TINY[family][1]  # one test view of the config
    graph = onnx.load_from_string(data)
    assert {o.version for o in graph.opset_import
            if o.domain in ('', 'ai.onnx')} == {17}
    sess = ort_session(data)
    assert [i.name for i in sess.get_inputs()] == ['inputs']
    # dynamic batch: batch 1 and 3 from one graph (TIN)
    for batch in ((1, 3) if family == 'tin' else (1, )):
        x = torch.randn((batch, ) + shape[1:])
        got = sess.run(None, {'inputs': x.numpy()})[0]
        want = _predict(model, x)
        assert got.shape == want.shape == (batch,
                                           model.cls_head.num_classes)
        np.testing.assert_allclose(got, want, atol=ATOL, rtol=0)
        np.testing.assert_allclose(got.sum(1), 1, atol=1e-5)  # softmax


def test_deployed_tdn_exports_the_plain_scores(tmp_path):
    """TDN's deploy form (folded BN, fused kernels; in-place work only
    without autograd) traces to a graph that gives the plain model's
    scores."""
    model, cfg = load_recognizer(write_config(tmp_path, 'tdn'))
    _randomize_bn(model)
    shape = export_input_shape(model, cfg)
    x = torch.randn(shape)
    want = _predict(model, x)  # the plain forward
    switch_to_deploy(model)
    module = export_module(model, shape)
    data = export_onnx(module, example_inputs(module, shape))
    got = ort_session(data).run(None, {'inputs': x.numpy()})[0]
    np.testing.assert_allclose(got, want, atol=ATOL, rtol=0)


def test_static_batch_is_fixed(tmp_path):
    _, shape, data = _export(tmp_path, 'resnet3d_rs')
    sess = ort_session(data)
    assert sess.get_inputs()[0].shape[0] == 1
    with pytest.raises(Exception):
        sess.run(None, {'inputs': np.zeros((2, ) + shape[1:], np.float32)})


def test_stream_step_state_io(tmp_path):
    """Two consecutive chunks through onnxruntime, states fed back: the
    scores equal PyTorch's ``stream_step`` + head after each chunk, and
    after the last one the whole-clip prediction of both chunks; batch 1
    and 3 from one graph."""
    model, shape, data = _export(tmp_path, 'stream', dynamic_batch=True)
    assert shape == (1, 3, 2, 32, 32)  # a chunk of test_cfg.chunk_size
    sess = ort_session(data)
    names = [i.name for i in sess.get_inputs()]
    outs = [o.name for o in sess.get_outputs()]
    assert names[0] == 'chunk' and outs[0] == 'scores'
    assert names[1:] == ['state.' + n[len('new_state.'):] for n in outs[1:]]
    assert 'state.head.pool_count' in names
    for batch in (1, 3):
        step = StreamStepScores(model, (batch, ) + shape[1:])
        values = [s.numpy() for s in step.initial_states()]
        clip = torch.randn(batch, 3, 4, 32, 32)
        states = {}
        for start in (0, 2):
            chunk = clip[:, :, start:start + 2]
            res = sess.run(None, dict(zip(names, [chunk.numpy()] + values)))
            values = res[1:]
            with torch.no_grad():
                pooled, states = model.stream_step(chunk, states)
                want = model.cls_head(pooled).softmax(dim=1).numpy()
            np.testing.assert_allclose(res[0], want, atol=ATOL, rtol=0)
        whole = _predict(model, clip[:, None])  # no chunking: whole clip
        np.testing.assert_allclose(res[0], whole, atol=ATOL, rtol=0)


def test_bad_shapes_are_named(tmp_path):
    model, cfg = load_recognizer(write_config(tmp_path, 'tin'))
    with pytest.raises(ValueError, match=r'--shape \[1, 2, 3, 32\].*5-d'):
        export_input_shape(model, cfg, [1, 2, 3, 32])
    with pytest.raises(ValueError, match='channel axis.*must be 3'):
        export_input_shape(model, cfg, [1, 2, 4, 32, 32])
    with pytest.raises(ValueError, match='positive'):
        export_input_shape(model, cfg, [1, 0, 3, 32, 32])
    shape = export_input_shape(model, cfg, [1, 3, 3, 32, 32])
    module = export_module(model, shape)  # 3 frames, 2 segments
    with pytest.raises(ValueError, match=r'--shape \[1, 3, 3, 32, 32\] '
                       'does not fit'):
        run_torch(module, example_inputs(module, shape))
    rs, rs_cfg = load_recognizer(write_config(tmp_path, 'resnet3d_rs'))
    with pytest.raises(ValueError, match=r'6-d input \(N, V, C, T, H, W\)'):
        export_input_shape(rs, rs_cfg, [1, 3, 4, 32, 32])
    with pytest.raises(FileNotFoundError, match='no_such.py'):
        load_recognizer(str(tmp_path / 'no_such.py'))
