# Copyright (c) OpenMMLab. All rights reserved.
"""Streaming MoViNet: chunked inference equals whole-clip inference
(float64, every chunk size from 1 to T, chunks shorter than the temporal
kernels, three or more chunks), the carried state matters, and the
recognizer's chunked test mode equals its whole-clip test mode."""
import io

import onnxruntime as ort
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

import mmtin  # noqa: F401

# every kind of layer: temporal kernels 5, 3 and 1 (buffers of 4, 2, 0
# frames), strided and unstrided, width-changing and identity skips
TINY_ARCH = dict(
    stem=4,
    stages=[(4, '8/155*'), (8, '12/333* 12/333'), (8, '16/533'),
            (8, '12/155 12/333'), (12, '16/533* 16/133')],
    project=16)
STREAM = dict(
    causal=True, conv_type='2plus1d', se_type='2plus3d',
    act_cfg=dict(type='HSwish'), gate_cfg=dict(type='HSigmoid'))
ATOL = 1e-10


def _randomize(model, seed=1):
    """Weights that make every path matter: non-zero ReZero and
    positional-encoding scales, non-trivial BN statistics."""
    g = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        if name.endswith('rezero') or name.endswith('pos_scale'):
            p.data.copy_(torch.rand((), generator=g) + 0.5)
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(
                torch.rand(m.num_features, generator=g) * 0.2 - 0.1)
            m.running_var.copy_(
                torch.rand(m.num_features, generator=g) + 0.5)
    return model


def _recognizer(arch=TINY_ARCH, chunk_size=None, **backbone):
    cfg = dict(
        type='MoViNetStreamRecognizer',
        backbone=dict(type='MoViNet', arch=arch, **STREAM, **backbone),
        cls_head=dict(
            type='MoViNetHead',
            num_classes=7,
            in_channels=arch['project'] if isinstance(arch, dict) else 480,
            hidden_channels=8 if isinstance(arch, dict) else 2048),
        data_preprocessor=dict(
            type='mmaction.ActionDataPreprocessor',
            mean=[0., 0., 0.],
            std=[255., 255., 255.],
            format_shape='NCTHW'),
        test_cfg=dict(chunk_size=chunk_size))
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return _randomize(model).double().eval()


def _stream(backbone, x, chunk):
    states, outs = {}, []
    for s in range(0, x.shape[2], chunk):
        out, states = backbone(x[:, :, s:s + chunk], states)
        outs.append(out)
    return torch.cat(outs, dim=2), states


@pytest.fixture(scope='module')
def tiny():
    return _recognizer(use_pos_encoding=True)


@pytest.fixture(scope='module')
def clip():
    return torch.randn(2, 3, 13, 32, 32, generator=torch.Generator()
                       .manual_seed(2), dtype=torch.float64)


def test_stream_equals_clip_every_chunk_size(tiny, clip):
    with torch.no_grad():
        whole = tiny.backbone(clip)
        assert whole.abs().max() > 1e-2  # not a degenerate network
        for chunk in range(1, clip.shape[2] + 1):
            streamed, _ = _stream(tiny.backbone, clip, chunk)
            err = (streamed - whole).abs().max().item()
            assert err <= ATOL, f'chunk {chunk}: max |diff| {err:.3g}'


def test_running_scores_equal_prefix_clips(tiny, clip):
    """After each chunk, the running prediction is the whole-clip
    prediction of the video so far."""
    with torch.no_grad():
        states, end = {}, 0
        for chunk in (3, 1, 4, 5):  # uneven chunks, some < buffer (4)
            feat, states = tiny.stream_step(clip[:, :, end:end + chunk],
                                            states)
            end += chunk
            prefix = tiny.cls_head(tiny.backbone(clip[:, :, :end]))
            torch.testing.assert_close(
                tiny.cls_head(feat), prefix, atol=ATOL, rtol=0)
        assert states['head.pool_count'].tolist() == [13]


def test_states_are_needed(tiny, clip):
    """Dropping the state between chunks changes the result: the test above
    could fail."""
    with torch.no_grad():
        whole = tiny.backbone(clip)
        outs = [tiny.backbone(clip[:, :, s:s + 3], {})[0]
                for s in range(0, 13, 3)]
    assert (torch.cat(outs, 2) - whole).abs().max() > 1e-3


def test_train_mode_batch_norm_breaks_equivalence(clip):
    """The spec's precondition: BN must be in eval mode."""
    model = _recognizer()
    model.backbone.train()
    with torch.no_grad():
        whole = model.backbone(clip)
        streamed, _ = _stream(model.backbone, clip, 4)
    assert (streamed - whole).abs().max() > 1e-3


def test_a0_stream_equals_clip():
    model = _recognizer(arch='a0')
    x = torch.randn(1, 3, 8, 64, 64, dtype=torch.float64)
    with torch.no_grad():
        whole = model.backbone(x)
        for chunk in (1, 3, 8):  # 8, 3 and 1 chunks; 1 and 3 < buffer 4
            streamed, states = _stream(model.backbone, x, chunk)
            err = (streamed - whole).abs().max().item()
            assert err <= ATOL, f'chunk {chunk}: max |diff| {err:.3g}'
    # one 4-frame buffer per 5x3x3 depthwise conv, 2 per 3x3x3
    assert states['block4_0.dw.buffer'].shape[2] == 4
    assert states['block3_1.dw.buffer'].shape[2] == 2
    assert not any(k.startswith('block2_0.dw') for k in states)  # 1x5x5


def test_predict_chunked_equals_whole_clip(tiny, clip):
    whole = _recognizer(use_pos_encoding=True)
    whole.load_state_dict(tiny.state_dict())
    chunked = _recognizer(chunk_size=4, use_pos_encoding=True)
    chunked.load_state_dict(tiny.state_dict())
    inputs = clip[:, None]  # [N, num_views, C, T, H, W]
    samples = [ActionDataSample().set_gt_label(0) for _ in range(2)]
    with torch.no_grad():
        a = whole(inputs, samples, mode='predict')
        b = chunked(inputs, [s.clone() for s in samples], mode='predict')
    for sa, sb in zip(a, b):
        torch.testing.assert_close(sb.pred_score, sa.pred_score, atol=ATOL,
                                   rtol=0)


def test_init_states(tiny, clip):
    states = tiny.init_states((2, 3, 4, 32, 32))
    assert states['head.pool_sum'].shape == (2, 16)
    assert states['head.pool_count'].tolist() == [0]
    assert all(v.abs().sum() == 0 for v in states.values())
    assert tiny.init_states() == {}
    with torch.no_grad():
        a, sa = tiny.stream_step(clip[:, :, :4], states)
        b, sb = tiny.stream_step(clip[:, :, :4], {})
    torch.testing.assert_close(a, b)
    assert sa.keys() == sb.keys()


def test_bad_state_and_config_errors(tiny, clip):
    with torch.no_grad():
        _, states = tiny.stream_step(clip[:, :, :2])
        with pytest.raises(ValueError, match='stream state'):
            tiny.stream_step(clip[:1, :, 2:4], states)
    with pytest.raises(ValueError, match='chunk_size'):
        _recognizer(chunk_size=0)
    with pytest.raises(ValueError, match='chunk'):
        tiny.stream_step(clip[0])


def test_onnx_stream_step_with_explicit_states():
    """The explicit state API exports: an ONNX graph taking (chunk, *states)
    and returning (features, *new states) streams like the clip model."""
    backbone = _recognizer(use_pos_encoding=True).backbone.float()
    states = backbone.init_states((1, 3, 2, 32, 32))
    keys = sorted(states)

    class Step(torch.nn.Module):

        def __init__(self):
            super().__init__()
            self.backbone = backbone

        def forward(self, x, *values):
            out, new = self.backbone(x, dict(zip(keys, values)))
            return (out, ) + tuple(new[k] for k in keys)

    buf = io.BytesIO()
    torch.onnx.export(Step().eval(), (torch.zeros(1, 3, 2, 32, 32),
                                      *[states[k] for k in keys]),
                      buf, dynamo=False)
    sess = ort.InferenceSession(buf.getvalue())
    names = [i.name for i in sess.get_inputs()]
    x = torch.randn(1, 3, 6, 32, 32)
    values, outs = [states[k].numpy() for k in keys], []
    for s in range(0, 6, 2):
        res = sess.run(None, dict(zip(names,
                                      [x[:, :, s:s + 2].numpy()] + values)))
        outs.append(torch.from_numpy(res[0]))
        values = res[1:]
    with torch.no_grad():
        whole = backbone(x)
    torch.testing.assert_close(torch.cat(outs, 2), whole, atol=1e-5,
                               rtol=1e-4)
