# Copyright (c) OpenMMLab. All rights reserved.
"""SearchReport: leaderboard order, per-choice summary, plots, best config."""
import json

import optuna
from mmengine.config import Config
from optuna.distributions import (CategoricalDistribution,
                                  FloatDistribution)
from optuna.trial import TrialState, create_trial

from mmtin.search import SearchReport

DISTS = dict(model=CategoricalDistribution(['TSN', 'TSM', 'TIN']),
             lr=FloatDistribution(1e-4, 1e-2, log=True))


def _study(tmp_path):
    study = optuna.create_study(study_name='s', direction='maximize')
    rows = [  # model, lr, state, value
        ('TSN', 1e-3, TrialState.COMPLETE, 0.50),
        ('TSM', 2e-3, TrialState.COMPLETE, 0.95),
        ('TIN', 1e-3, TrialState.COMPLETE, 0.97),
        ('TSN', 5e-3, TrialState.PRUNED, 0.48),
        ('TIN', 9e-3, TrialState.FAIL, None),
        ('TSM', 4e-4, TrialState.COMPLETE, 0.90),
    ]
    for i, (model, lr, state, value) in enumerate(rows):
        cfg = tmp_path / f'trial_{i}.py'
        cfg.write_text(f'model = dict(type={model!r})\nlr = {lr!r}\n')
        attrs = dict(config=str(cfg), epochs=2)
        if state == TrialState.FAIL:
            attrs['error'] = 'FloatingPointError: loss is nan'
        study.add_trial(create_trial(
            params=dict(model=model, lr=lr), distributions=DISTS,
            value=value, state=state, user_attrs=attrs,
            intermediate_values={1: value} if value is not None else {}))
    return study


def test_leaderboard_and_choice_summary(tmp_path):
    report = SearchReport(_study(tmp_path), 'acc/top1')
    ranked = [t.number for t in report.ranked_trials()]
    # COMPLETE by value, then PRUNED, then FAIL
    assert ranked == [2, 1, 5, 0, 3, 4]
    lines = report.leaderboard().splitlines()
    assert lines[0].startswith('| rank | trial | state | acc/top1 |')
    assert lines[2].startswith('| 1 | 2 | COMPLETE | 0.9700 | model=TIN')
    assert 'PRUNED | 0.4800 (last)' in lines[6]
    assert 'loss is nan' in lines[7]
    summary = report.choice_summary('model').splitlines()
    # best per model, best first; TSN last (pruned 0.48 counts, mean)
    assert summary[2] == '| TIN | 1 | 0.9700 | 0.9700 |'
    assert summary[3] == '| TSM | 2 | 0.9500 | 0.9250 |'
    assert summary[4] == '| TSN | 2 | 0.5000 | 0.4900 |'


def test_write_exports_best_config_plots_and_json(tmp_path):
    study = _study(tmp_path)
    out = SearchReport(study, 'acc/top1').write(str(tmp_path), ['model'])
    best = Config.fromfile(out['best_config'])
    assert best.model == dict(type='TIN') and best.lr == 1e-3
    assert 'trial 2' in open(out['best_config']).readline()
    for name in ('history', 'importance'):
        with open(out['plots'][name], 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    results = json.load(open(out['json']))
    assert results['best_trial'] == 2 and results['best_value'] == 0.97
    assert [t['state'] for t in results['trials']].count('COMPLETE') == 4
    assert out['markdown'] == open(out['leaderboard']).read()
