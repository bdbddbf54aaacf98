# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/analysis/benchmark.py --preset tdn`` (formerly
``benchmark_tdn.py``) at a tiny size: what it measures, not how fast."""
import json

import torch
from script_loader import load_script


def test_tdn_preset_rows_and_control(tmp_path, capsys):
    tool = load_script('tools/analysis/benchmark.py')
    out = tmp_path / 'bench.json'
    threads = torch.get_num_threads()
    try:
        rows = tool.main([
            '--preset', 'tdn', '--depth', '18', '--frames', '2',
            '--input-size', '64', '--repeats', '1', '--warmup', '0',
            '--threads', '1', '--num-classes', '5', '--out',
            str(out)
        ])
    finally:
        torch.set_num_threads(threads)
    tdn, tsn, control = rows
    assert [r['model'] for r in rows] == [
        'TDN-R18', 'TSN-R18', 'TSN-R18 + separable max pool'
    ]
    assert tdn['input_shape'] == [1, 10, 3, 64, 64]
    assert tsn['input_shape'] == [1, 2, 3, 64, 64]
    # the control differs from TSN only in how its pool is computed
    assert control['params'] == tsn['params']
    assert control['flops_check'] == tsn['flops_check']
    # TDN: the TSN backbone plus temporal modules and a difference stem
    assert tdn['params'] > tsn['params']
    assert tdn['flops_check'] > tsn['flops_check']
    assert tdn['flops'] > tsn['flops']
    for row in rows:
        assert row['infer_ms'] > 0 and row['train_ms'] > 0
        assert set(row['ratios']) == {
            'TSN-R18', 'TSN-R18 + separable max pool'
        }
    assert tdn['ratios']['TSN-R18']['flops'] == tdn['flops'] / tsn['flops']
    table = capsys.readouterr().out
    header = [ln for ln in table.splitlines() if ln.startswith('|')][0]
    for col in ('GMACs (FlopCounterMode/2)', 'infer / TSN-R18',
                'infer / TSN-R18 + separable max pool', 'train / TSN-R18'):
        assert f' {col} |' in header
    assert 'deploy form' in table  # the preset times the deploy form
    saved = json.loads(out.read_text())
    assert [r['model'] for r in saved['rows']] == [r['model'] for r in rows]
    assert saved['args']['threads'] == 1
