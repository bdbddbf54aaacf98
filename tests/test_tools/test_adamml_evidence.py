# Copyright (c) OpenMMLab. All rights reserved.
"""tools/analysis/adamml_evidence.py: options, rows, claim check and tables
(on made-up metrics; the study itself is in docs/adamml.md)."""
import pytest
from script_loader import load_script

from mmtin.study import DataRootError, StudyReport, ensure_data

ev = load_script('tools/analysis/adamml_evidence.py')


def _metrics(top1, gflops, usage):
    """``usage[m][k]``: fraction of segments of class k using m."""
    out = {'acc/top1': top1, 'gflops': gflops}
    for m, per_class in usage.items():
        out[f'usage/{m}'] = sum(per_class) / len(per_class)
        for k, v in enumerate(per_class):
            out[f'usage/{m}/class_{k}'] = v
    return out


def _seed(ada_top1=1.0):
    full = dict(rgb=[1] * 4, audio=[1] * 4, motion=[1] * 4)
    return dict(
        adamml=_metrics(ada_top1, 0.008, dict(
            rgb=[1, 1, 0, 0], audio=[0, 0, 1, 1], motion=[0] * 4)),
        all_modalities=_metrics(1.0, 0.0176, full),
        rgb_only=_metrics(0.75, 0.0112, dict(rgb=[1] * 4)))


def _report(per_seed):
    records = [
        dict(row=model, variant='', seed=seed, metrics=metrics,
             values=dict(top1=metrics['acc/top1'],
                         gflops=metrics['gflops']))
        for seed, models in per_seed.items()
        for model, metrics in models.items()
    ]
    return StudyReport(records, list(ev.MODELS), list(per_seed))


def test_defaults_and_options():
    args = ev.parse_args([])
    assert args.eval_split == 'test' and args.picture_audio == 'random_tone'
    assert args.models == list(ev.MODELS) and args.out_dir is None
    assert args.threads == 1 and not args.resume
    args = ev.parse_args(['--eval-split', 'val', '--models', 'adamml'])
    assert args.eval_split == 'val' and args.models == ['adamml']
    with pytest.raises(SystemExit):
        ev.parse_args(['--eval-split', 'train'])


def test_rows_chain_the_stages_and_test_the_chosen_split():
    args = ev.parse_args(['--eval-split', 'val', '--data-root', 'data/x',
                          '--epochs', '2', '3', '1'])
    rows = {r.name: r for r in ev.build_rows(args)}
    warm, joint, fine = rows['adamml'].stages
    assert (warm.epochs, joint.epochs, fine.epochs) == (2, 3, 1)
    assert joint.init_from == 'warmup' and fine.init_from == 'joint'
    assert rows['rgb_only'].stages[0].epochs == 6  # the same budget
    assert ('test_dataloader.dataset.ann_file', 'data/x/val.txt') in \
        fine.cfg_options
    assert rows['adamml'].metrics == ev.METRICS


def test_claim_check_and_tables():
    report = _report({0: _seed(), 1: _seed(), 2: _seed(0.97)})
    checks = {c.name: c for c in ev.claims(report)}
    assert checks['within_1_point'].numbers['top1_gap_points'] == \
        pytest.approx(1.0)
    assert checks['saves_35_percent'].numbers['compute_saving'] == \
        pytest.approx(1 - 0.008 / 0.0176)
    assert checks['audio_mostly_on_sound_classes'].numbers[
        'audio_share_on_sound_classes'] == 1.0
    assert all(c.passed for c in checks.values())
    text = ev.markdown(report, ev.parse_args([]))
    assert '| AdaMML (policy) | 100.0 / 0.0080 | 100.0 / 0.0080 | ' \
        '97.0 / 0.0080 |' in text
    assert '| AdaMML (policy) | 99.0 ± 1.7 | 0.0080 | 45 % | - | 50 % | ' \
        '50 % | 0 % |' in text
    assert '| RGB only (plain) | 75.0 ± 0.0 | 0.0112 | 64 % | - | 100 % | - ' \
        '| - |' in text
    assert '| 2 green_low_tone | sound | 0 % | 100 % | 0 % |' in text
    # one more wrong video per seed: 2 points behind, the claim fails
    per_seed = {k: _seed(0.98) for k in range(3)}
    per_seed[0]['adamml']['acc/top1'] = 0.96
    checks = {c.name: c.passed for c in ev.claims(_report(per_seed))}
    assert not checks['within_1_point'] and checks['saves_35_percent']


def test_other_data_in_the_data_root_is_refused_not_regenerated(tmp_path):
    # what the old script did: a bare KeyError, or regenerating over it
    (tmp_path / 'meta.json').write_text('{"seed": 0, "frames": 16}')
    (tmp_path / 'train.txt').write_text('mine\n')
    args = ev.parse_args(['--data-root', str(tmp_path),
                          '--num-per-class', '20'])
    with pytest.raises(DataRootError, match='num_per_class: not in '
                       'meta.json, spec 20'):
        ensure_data(args.data_root, ev.data_spec(args), regenerate=True)
    assert (tmp_path / 'train.txt').read_text() == 'mine\n'


def test_claims_and_tables_per_held_out_variant():
    per_seed = {0: _seed(), 1: _seed(0.9)}
    records = [
        dict(row=model, variant=variant, seed=seed, metrics=metrics,
             values=dict(top1=metrics['acc/top1'],
                         gflops=metrics['gflops']))
        for variant in ('sweep_shape', 'bursts_shape')
        for seed, models in per_seed.items()
        for model, metrics in models.items()
        if variant == 'sweep_shape' or model != 'adamml' or seed == 0
    ]
    report = StudyReport(records, list(ev.MODELS), [0, 1])
    assert report.complete('sweep_shape')
    assert not report.complete('bursts_shape')  # adamml seed 1 missing
    checks = {c.name: c for c in ev.claims(report, 'sweep_shape')}
    assert not checks['sweep_shape/within_1_point'].passed  # 5 points
    assert checks['sweep_shape/saves_35_percent'].passed
    args = ev.parse_args(['--variants', 'sweep_shape', 'bursts_shape'])
    text = ev.markdown(report, args, 'sweep_shape')
    assert '| AdaMML (policy) | 95.0 ± 7.1 |' in text
    # the usage table names the variant's own classes, not dev's
    assert '| 1 disc | picture |' in text and 'rising_sweep |' in text
    assert 'red_square' not in text
    # held-out data: named in the spec, tested on its own test split
    assert ev.data_spec(args, 'sweep_shape').params['variant'] == \
        'sweep_shape'
    assert 'variant' not in ev.data_spec(args).params
    options = ev.build_rows(args)[0].stages[-1].cfg_options
    assert all(key != 'test_dataloader.dataset.ann_file'
               for key, _ in options)
    with pytest.raises(SystemExit):  # several variants: a held-out study
        ev.parse_args(['--variants', 'sweep_shape', 'bursts_shape',
                       '--eval-split', 'val'])
    # one variant tuned on (a development variant): tested on its val split
    args = ev.parse_args(['--variants', 'sweep_shape', '--eval-split', 'val',
                          '--data-root', 'd'])
    assert ('test_dataloader.dataset.ann_file', 'd_sweep_shape/val.txt') in [
        tuple(o) for o in ev.build_rows(args)[0].stages[-1].cfg_options]
