# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/analysis/benchmark_tdn.py`` at a tiny size (what it measures, not
how fast)."""
import json

import torch
from script_loader import load_script


def test_benchmark_tdn_rows_and_control(tmp_path, capsys):
    tool = load_script('tools/analysis/benchmark_tdn.py')
    out = tmp_path / 'bench.json'
    threads = torch.get_num_threads()
    try:
        rows = tool.main([
            '--segments', '2', '--input-size', '64', '--repeats', '1',
            '--warmup', '0', '--threads', '1', '--num-classes', '5',
            '--out', str(out)
        ])
    finally:
        torch.set_num_threads(threads)
    tdn, tsn, control = rows.values()
    assert [r['model'] for r in rows.values()] == [
        'TDN-R50', 'TSN-R50', 'TSN-R50 + separable max pool'
    ]
    assert tdn['input'] == '2x5x64^2' and tsn['input'] == '2x1x64^2'
    # the control differs from TSN only in how its pool is computed
    assert control['params_m'] == tsn['params_m']
    assert control['gflops_fcm'] == tsn['gflops_fcm']
    # TDN: the TSN backbone plus temporal modules and a difference stem
    assert tdn['params_m'] > tsn['params_m']
    assert tdn['gflops_fcm'] > tsn['gflops_fcm']
    for row in rows.values():
        assert row['infer_ms'] > 0 and row['train_ms'] > 0
    table = capsys.readouterr().out
    assert '| ratio TDN-R50 / TSN-R50 |' in table
    assert '| ratio TDN-R50 / TSN-R50 + separable max pool |' in table
    saved = json.loads(out.read_text())
    assert [r['model'] for r in saved['rows']] == [
        r['model'] for r in rows.values()
    ]
    assert saved['threads'] == 1
