# Copyright (c) OpenMMLab. All rights reserved.
"""mmtin.study.study_report and claim_check on hand-made records."""
import json
import math

import pytest

from mmtin.study import (ClaimCheck, StudyReport, markdown_table, mean_std,
                         seed_stats)


def _rec(row, seed, top1, gflops=0.5, variant=''):
    return dict(row=row, seed=seed, variant=variant,
                values=dict(top1=top1, gflops=gflops),
                metrics={'acc/top1': top1, 'acc/top5': 1.0}, seconds=1.0)


def test_seed_stats():
    s = seed_stats([0.5, 0.6, 0.7])
    assert s['mean'] == pytest.approx(0.6)
    assert s['std'] == pytest.approx(0.1)  # sample std (n - 1)
    assert (s['min'], s['max'], s['n']) == (0.5, 0.7, 3)
    assert seed_stats([2.0])['std'] == 0.0
    assert seed_stats([])['mean'] is None
    assert mean_std(seed_stats([90., 92.])) == '91.0 ± 1.4'
    assert mean_std(seed_stats([])) == '-'


def test_report_groups_rows_seeds_and_variants(tmp_path):
    records = [_rec('a', 0, .9), _rec('a', 1, .8), _rec('b', 1, .4),
               _rec('b', 0, .6), _rec('a', 0, .1, variant='v2'),
               dict(row='b', seed=2, variant='', error='b seed 2: boom')]
    report = StudyReport(records, ['a', 'b'], [0, 1, 2])
    # seeds come back in the study's order, scaled
    assert report.per_seed('b', 'top1', scale=100) == {0: 60.0, 1: 40.0}
    assert report.per_seed('a', 'acc/top5') == {0: 1.0, 1: 1.0}
    stats = report.stats('a', 'top1', scale=100)
    assert stats['mean'] == pytest.approx(85.0)
    assert stats['std'] == pytest.approx(math.sqrt(50))
    assert report.stats('a', 'top1', 'v2')['per_seed'] == {0: .1}
    assert report.failures() == ['b seed 2: boom']
    # five finished runs of 1 s each; the failed one has no time
    assert report.run_seconds() == pytest.approx(5.0)
    assert report.time_sentence(90.0) == (
        'Wall time of this command 1.5 min (training and testing of the '
        'runs 0.1 min).')
    assert not report.complete()
    assert StudyReport(records[:4], ['a', 'b'], [0, 1]).complete()
    summary = report.summary({'top1': 100})
    assert summary['']['b']['top1']['mean'] == pytest.approx(50.0)
    assert summary['v2']['a']['gflops']['mean'] == 0.5
    with pytest.raises(KeyError, match="no value or metric 'nope'"):
        report.per_seed('a', 'nope')

    table = markdown_table(['row', 'top-1'],
                           [[r, mean_std(report.stats(r, 'top1', scale=100))]
                            for r in report.rows])
    assert table.splitlines()[:2] == ['| row | top-1 |', '|---|---|']
    assert '| b | 50.0 ± 14.1 |' in table

    claims = [ClaimCheck('a_above_b', stats['mean'] > 50, dict(a=85.0)),
              ClaimCheck('a_perfect', stats['mean'] == 100, text='a = 100')]
    paths = report.write(
        str(tmp_path / 'out'), 'ev', table, claims, scales={'top1': 100},
        plot=lambda p: report.plot_tradeoff(p, 'gflops', 'top1', 'GFLOPs',
                                            'top-1', 't', {'top1': 100}),
        command='python x.py')
    md = (tmp_path / 'out' / 'ev.md').read_text()
    assert '- a_above_b: yes [a 85]' in md
    assert '- a_perfect: NO (a = 100)' in md
    assert 'All claims hold: NO.' in md
    data = json.loads((tmp_path / 'out' / 'ev.json').read_text())
    assert data['command'] == 'python x.py' and data['seeds'] == [0, 1, 2]
    assert data['summary']['']['a']['top1']['mean'] == pytest.approx(85.0)
    assert [c['passed'] for c in data['claims']] == [True, False]
    assert data['failures'] == ['b seed 2: boom']
    assert (tmp_path / 'out' / 'ev.png').stat().st_size > 1000
    assert len(paths) == 3
