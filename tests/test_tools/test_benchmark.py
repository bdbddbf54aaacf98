# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/analysis/benchmark.py`` on a tiny config, named models and
presets at tiny settings (what it measures, not how fast)."""
import json

import pytest
import torch
from mmengine.registry import init_default_scope
from torch import nn

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from script_loader import load_script

TINY_TSM = """
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNetTSM', depth=18, num_segments=8, shift_div=8,
                  norm_eval=False, pretrained='torchvision://resnet18'),
    cls_head=dict(type='TSMHead', num_classes=5, in_channels=512,
                  num_segments=8, average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], format_shape='NCHW'))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
"""
COLUMNS = [
    'model', 'input', 'params (M)', 'GFLOPs', 'infer ms', 'infer clips/s',
    'train ms', 'train clips/s', 'GFLOPs / TSN-R18', 'infer / TSN-R18',
    'train / TSN-R18'
]


def _load_tool(repo_root):
    return load_script('tools/analysis/benchmark.py')


def _reference_macs(model, inputs):
    """Multiply-adds counted with module hooks, in MMEngine's convention:
    conv and linear MACs, 2 per element for affine BN, 1 per input element
    for adaptive average pooling."""
    total = []

    def hook(module, args, out):
        x = args[0]
        if isinstance(module, nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            total.append(out.numel() * module.in_channels // module.groups *
                         k)
        elif isinstance(module, nn.Linear):
            total.append(out.numel() * module.in_features)
        elif isinstance(module, nn.BatchNorm2d):
            total.append(x.numel() * (2 if module.affine else 1))
        elif isinstance(module, nn.AdaptiveAvgPool2d):
            total.append(x.numel())

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model(inputs, mode='tensor', stage='head')
    for h in handles:
        h.remove()
    return sum(total)


def _run_tiny(tool, config, out, png, acc):
    tool.main([
        '--models', 'tsn-r18', 'tsm-r18',
        str(config), '--input-size', '32', '--frames', '2', '--repeats', '1',
        '--warmup', '0', '--device', 'cpu', '--threads', '1', '--num-classes',
        '5', '--out',
        str(out), '--plot',
        str(png), '--accuracy-json',
        str(acc)
    ])


@pytest.fixture(autouse=True)
def _keep_threads():
    """``--threads`` sets torch's global thread count: restore it."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def tiny_config(tmp_path):
    path = tmp_path / 'tiny_tsm.py'
    path.write_text(TINY_TSM)
    return path


def test_benchmark_table_json_and_plot(repo_root, tiny_config, tmp_path,
                                       capsys):
    tool = _load_tool(repo_root)
    acc = tmp_path / 'acc.json'
    acc.write_text(json.dumps(
        dict(results={'tiny_tsm': dict(mean=75.0, std=5.0, top1=[70, 80])})))
    out, png = tmp_path / 'bench.json', tmp_path / 'plot.png'
    _run_tiny(tool, tiny_config, out, png, acc)
    text = capsys.readouterr().out

    table = [ln for ln in text.splitlines() if ln.startswith('|')]
    header = [c.strip() for c in table[0].strip('|').split('|')]
    assert header == COLUMNS
    rows = [[c.strip() for c in ln.strip('|').split('|')] for ln in table[2:]]
    assert [r[0] for r in rows] == ['TSN-R18', 'TSM-R18', 'tiny_tsm']
    assert all(r[1] == '1x2x3x32x32' for r in rows)
    assert rows[0][8:] == ['1.000'] * 3  # ratios are relative to TSN
    for r in rows:
        assert float(r[2]) > 0 and float(r[3]) > 0
        assert float(r[4]) > 0 and float(r[6]) > 0

    result = json.loads(out.read_text())['rows']
    # an independent build of the same config: pretrained download
    # removed by hand, segments set to --frames by hand
    init_default_scope('mmaction')
    model = MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(type='ResNetTSM', depth=18, num_segments=2,
                          pretrained=None, pretrained2d=False),
            cls_head=dict(type='TSMHead', num_classes=5, in_channels=512,
                          num_segments=2))).eval()
    mine = result[2]
    assert mine['params'] == sum(p.numel() for p in model.parameters())
    assert mine['flops'] == _reference_macs(model, torch.randn(1, 2, 3, 32,
                                                               32))
    # the named TSM-R18 (5 classes) is the same network as the config
    assert result[1]['params'] == mine['params']
    assert result[1]['flops'] == mine['flops']
    for row in result:
        assert row['infer_clips_per_s'] == pytest.approx(
            1e3 / row['infer_ms'])
        assert row['ratios']['TSN-R18']['infer_ms'] == pytest.approx(
            row['infer_ms'] / result[0]['infer_ms'])

    data = png.read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n' and len(data) > 1000
    import matplotlib.image
    assert matplotlib.image.imread(str(png)).ndim == 3


def test_benchmark_errors_name_the_bad_input(repo_root, tiny_config,
                                             tmp_path):
    tool = _load_tool(repo_root)
    with pytest.raises(FileNotFoundError, match='no_such_config.py'):
        tool.main([str(tmp_path / 'no_such_config.py')])
    with pytest.raises(SystemExit):  # argparse: --plot without accuracies
        tool.main([str(tiny_config), '--plot', str(tmp_path / 'x.png')])
    with pytest.raises(SystemExit):  # argparse: nothing to benchmark
        tool.main([])
    with pytest.raises(ValueError, match="unknown benchmark model 'resnet-9'"):
        tool.main(['--models', 'resnet-9', '--no-train'])
    acc = tmp_path / 'acc.json'
    acc.write_text(json.dumps({'other_model': 50.0}))
    with pytest.raises(ValueError, match='no benchmarked model has an acc'):
        tool.main([
            str(tiny_config), '--input-size', '32',
            '--frames', '2', '--repeats', '1', '--warmup', '0', '--no-train',
            '--threads', '1',
            '--plot',
            str(tmp_path / 'x.png'), '--accuracy-json',
            str(acc)
        ])


def test_stream_latency_and_onnxruntime_columns(repo_root, capsys):
    """A stream MoViNet and a TSN at tiny size: the stream-step column is
    filled for the stream model only, the onnxruntime columns for both, and
    the published FLOPs of MoViNet-A0-Base are shown."""
    tool = _load_tool(repo_root)
    rows = tool.main([
        '--models', 'tsn-r18', 'movinet-a0-stream', 'movinet-a0', '--frames',
        '2', '--input-size', '32', '--repeats', '1', '--warmup', '0',
        '--threads', '1', '--no-train', '--stream-latency', '--onnxruntime'
    ])
    text = capsys.readouterr().out
    assert [r['model'] for r in rows] == [
        'TSN-R18', 'MoViNet-A0-Stream', 'MoViNet-A0-Base'
    ]
    assert rows[1]['input_shape'] == [1, 1, 3, 2, 32, 32]
    assert 'stream_ms' in rows[1] and 'stream_ms' not in rows[0]
    for row in rows:
        assert row['ort_ms'] > 0
        assert row['ort_vs_eager'] == pytest.approx(row['ort_ms'] /
                                                    row['infer_ms'])
    assert rows[2]['published_gflops'] == 2.7
    header = [ln for ln in text.splitlines() if ln.startswith('|')][0]
    for col in ('stream ms/step', 'onnxruntime ms', 'onnxruntime / eager',
                'published GFLOPs', 'onnxruntime / TSN-R18'):
        assert f' {col} |' in header
    assert 'train ms' not in header


def test_efficiency_preset_json_rows(repo_root, tmp_path, capsys):
    """``--preset efficiency`` at demo scale, one pair, one timed round:
    the JSON is a list of rows with the contract keys, one per batch, each
    followed by its onnxruntime row (no torch peak memory there)."""
    tool = _load_tool(repo_root)
    out = tmp_path / 'eff.json'
    tool.main([
        '--preset', 'efficiency', '--scale', 'demo', '--batches', '1', '2',
        '--only', 'TIN-R18', '--repeats', '1', '--warmup', '0',
        '--threads', '1', '--onnxruntime', '--json', str(out)
    ])
    rows = json.loads(out.read_text())
    assert [(r['batch'], r['name'].endswith('(onnxruntime)'))
            for r in rows] == [(1, False), (1, True), (2, False), (2, True)]
    for row in rows:
        assert {'name', 'flops_ratio', 'latency_ratio', 'peak_mem_ratio',
                'batch', 'scale'} <= set(row)
        assert row['scale'] == 'demo' and row['name'].startswith('TIN-R18')
        assert row['flops_ratio'] == pytest.approx(1.0, rel=0.01)
        assert row['latency_ratio'] > 0
    assert rows[0]['peak_mem_ratio'] > 0 and rows[1]['peak_mem_ratio'] is None
    assert '| TIN-R18 vs TSM-R18 (onnxruntime) |' in capsys.readouterr().out


def test_efficiency_preset_fold_bn_rows(repo_root, tmp_path):
    """``--fold-bn`` adds a row after the eager one with BatchNorm folded on
    both sides: TDN-R18 deploy and TSN-R18 at demo scale; every BN of
    TSN's ResNet-18 (20) follows a conv, and TDN has more."""
    tool = _load_tool(repo_root)
    out = tmp_path / 'eff.json'
    tool.main([
        '--preset', 'efficiency', '--scale', 'demo', '--batches', '1',
        '--only', 'TDN-R18', '--repeats', '1', '--warmup', '0',
        '--threads', '1', '--fold-bn', '--json', str(out)
    ])
    eager, folded = json.loads(out.read_text())
    assert folded['name'] == eager['name'] + ' (BN folded)'
    assert folded['plain_folded_bns'] == 20
    assert folded['system_folded_bns'] > 20
    assert folded['latency_ratio'] > 0
    assert folded['flops_ratio'] == pytest.approx(eager['flops_ratio'],
                                                  rel=0.05)
