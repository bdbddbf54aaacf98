# Copyright (c) OpenMMLab. All rights reserved.
"""tools/analysis/search_evidence.py (the Python driver that replaced
search_demo_evidence.sh): options, rows from a search's results.json, the
table; the search itself is in docs/search.md."""
import json

import pytest
from script_loader import load_script

from mmtin.study import StudyError, StudyReport

ev = load_script('tools/analysis/search_evidence.py')


def test_options_and_the_fixed_data_root():
    args = ev.parse_args([])
    assert args.seeds == [0] and args.workers == 2 and args.threads == 1
    assert args.data_root == 'data/demo' and args.tin_top1 is None
    with pytest.raises(SystemExit):
        ev.parse_args(['--data-root', 'data/other'])


def test_rows_from_the_search_results(tmp_path):
    cfg = tmp_path / 'trial_0000.py'
    cfg.write_text('x = 1\n')
    (tmp_path / 'best_config.py').write_text('x = 1\n')
    search = dict(best_checkpoint=str(tmp_path / 'best.pth'),
                  trials=[dict(user_attrs=dict(
                      config=str(cfg), checkpoint=str(tmp_path / 't0.pth')))])
    best, trial0 = ev.test_rows(search, str(tmp_path))
    assert best.stages[0].checkpoint == str(tmp_path / 'best.pth')
    assert best.stages[0].config == str(tmp_path / 'best_config.py')
    assert trial0.stages[0].checkpoint == str(tmp_path / 't0.pth')
    assert best.stages[0].epochs is None  # tested, not trained
    records = [dict(row='search_best', variant='', seed=0,
                    values=dict(top1=1.0), metrics={}),
               dict(row='trial0', variant='', seed=0,
                    values=dict(top1=0.9667), metrics={})]
    table = ev.markdown(StudyReport(records, [best, trial0], [0]),
                        ('0.9778', 'given: --tin-top1'), 958.2, 2)
    assert '| search best (trial of `best_config.py`) | 4 | 1.0000 |' \
        in table
    assert '| hand-set TIN recipe at the search budget (trial 0) | 4 | ' \
        '0.9667 |' in table
    assert '(given: --tin-top1) | 8 | 0.9778 |' in table
    assert 'search wall time: 958 s (2 workers)' in table


def test_a_finished_search_is_not_rerun_without_resume(tmp_path):
    (tmp_path / 'results.json').write_text(json.dumps({}))
    args = ev.parse_args(['--work-dir', str(tmp_path)])
    with pytest.raises(StudyError, match='--resume'):
        ev.run_search(args, str(tmp_path))
