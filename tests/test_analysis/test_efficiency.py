# Copyright (c) OpenMMLab. All rights reserved.
"""The efficiency preset's pieces: peak memory, rows, cases (what they
measure, never how fast)."""
import pytest
import torch

import mmtin  # noqa: F401
from mmtin.analysis.efficiency import (ROW_KEYS, Runner, efficiency_row,
                                       efficiency_table, peak_memory)
from mmtin.analysis.efficiency_cases import SCALES, efficiency_cases


def _allocate(rows):
    def fn():
        a = torch.ones(rows, 1024)
        b = a * 2
        return b.sum()
    return fn


def test_peak_memory_sees_a_larger_allocation():
    small = peak_memory(_allocate(256))
    large = peak_memory(_allocate(1024))
    # two float32 tensors of rows x 1024 live at once
    assert small >= 2 * 256 * 1024 * 4
    assert large >= 2 * 1024 * 1024 * 4 > small
    assert large < 4 * 1024 * 1024 * 4


def _tiny_tsn():
    from mmtin.analysis.named_models import named_model
    from mmtin.apis import build_recognizer
    return build_recognizer(named_model('tsn-r18', 2, 5)['cfg'])


def test_a_model_against_itself_has_unit_ratios():
    model = _tiny_tsn()
    x = torch.randn(1, 2, 3, 32, 32)
    row = efficiency_row('self', 'demo', Runner('a', model, x),
                         Runner('b', model, x), repeats=1, warmup=1)
    assert set(ROW_KEYS) <= set(row)
    assert row['batch'] == 1 and row['scale'] == 'demo'
    assert row['flops_ratio'] == 1.0
    assert row['peak_mem_ratio'] == pytest.approx(1.0, rel=0.05)
    assert row['latency_ratio'] > 0 and row['system_peak_bytes'] > 0
    assert 'self' in efficiency_table([row])


def test_adaptive_flops_are_the_predictions_gflops():
    """An adaptive side is charged what its predictions report."""
    from test_models.test_recognizers.test_adafocus_recognizer import build
    model = build(patch_mode='center').eval()
    x = torch.rand(2, 3, 3, 32, 32)
    runner = Runner('ada', model, x, adaptive=True)
    per_frame = model.flops_per_frame((32, 32))['total']
    assert runner.flops() == pytest.approx(3 * per_frame)


def test_cases_cover_every_system_at_both_scales():
    for scale in SCALES:
        names = ' '.join(c.name for c in efficiency_cases(scale))
        for system in ('AdaFocus', 'AdaFocus early exit', 'AdaMML', 'LSTS',
                       'TDN', 'TIN', 'MoViNet-A0 stream'):
            assert system in names, (scale, system)
    assert 'MoViNet-A2' in ' '.join(
        c.name for c in efficiency_cases('published'))
    with pytest.raises(ValueError, match='scale'):
        efficiency_cases('huge')


@pytest.mark.slow
def test_compiled_rows_report_compile_time_and_unit_flops():
    """``compiled=True`` adds a row per case with ``torch.compile``d sides
    (inductor) and their first-call (compile) time."""
    from mmtin.analysis.efficiency import run_efficiency
    from mmtin.analysis.efficiency_cases import EfficiencyCase
    model = _tiny_tsn()

    def build(batch, device):
        x = torch.randn(batch, 2, 3, 32, 32)
        return Runner('a', model, x), Runner('b', model, x)

    rows = run_efficiency([EfficiencyCase('tsn', 'demo', build)],
                          batches=(1, ), repeats=1, warmup=0,
                          compiled=True, log=lambda msg: None)
    assert [r['name'] for r in rows] == ['tsn', 'tsn (compiled)']
    assert rows[0]['system_compile_s'] is None
    assert rows[1]['system_compile_s'] > 0 and rows[1]['flops_ratio'] == 1.0


def test_channels_last_rows_keep_the_predictions():
    """``channels_last=True`` adds a row whose sides are copies with
    channels-last conv weights: the models' own weights stay as they are
    and the copies predict the same scores."""
    from mmtin.analysis.efficiency import run_efficiency
    from mmtin.analysis.efficiency_cases import EfficiencyCase
    model = _tiny_tsn().eval()
    x = torch.randn(1, 2, 3, 32, 32)
    runner = Runner('a', model, x)
    copy = runner.with_channels_last()
    weight = copy.model.backbone.conv1.conv.weight
    assert weight.is_contiguous(memory_format=torch.channels_last)
    assert not weight.is_contiguous()
    assert model.backbone.conv1.conv.weight.is_contiguous()

    def scores(side):
        with torch.no_grad():
            return torch.stack([s.pred_score for s in side.call()])

    assert torch.allclose(scores(copy), scores(runner), atol=1e-5)

    def build(batch, device):
        return Runner('a', model, x), Runner('b', model, x)

    rows = run_efficiency([EfficiencyCase('tsn', 'demo', build)],
                          batches=(1, ), repeats=1, warmup=0,
                          channels_last=True, log=lambda msg: None)
    assert [r['name'] for r in rows] == ['tsn', 'tsn (channels_last)']
    assert rows[1]['flops_ratio'] == 1.0
