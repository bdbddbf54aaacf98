# Copyright (c) OpenMMLab. All rights reserved.
"""tools/analysis/cvrl_evidence.py: rows, budget, table and claims on
synthetic records (no training)."""
from script_loader import load_script

evidence = load_script('tools/analysis/cvrl_evidence.py')


def _report(top1):
    from mmtin.study import StudyReport
    records = [dict(row=r, variant='', seed=k,
                    values=dict(top1=v / 100, gflops=0.0093), metrics={})
               for r, accs in top1.items() for k, v in enumerate(accs)]
    return StudyReport(records, evidence.build_rows(2, 1), [0, 1])


def test_rows_pretrain_then_linear_with_one_budget():
    rows = {r.name: r for r in evidence.build_rows(12, 10, '/d/val.txt')}
    assert list(rows) == ['cvrl', 'per_frame', 'random']
    pre, lin = rows['cvrl'].stages
    assert pre.config.endswith('cvrl/cvrl_rs50w8_demo_pretrain.py')
    assert rows['per_frame'].stages[0].config.endswith(
        'cvrl_rs50w8_demo_pretrain_per_frame.py')
    # same pre-training epochs for both, same linear epochs for all
    assert [r.stages[0].epochs for r in list(rows.values())[:2]] == [12, 12]
    linears = [r.stages[-1] for r in rows.values()]
    assert [s.epochs for s in linears] == [10, 10, 10]
    assert len({s.config for s in linears}) == 1
    assert linears[0].config.endswith('cvrl_rs50w8_demo_linear.py')
    assert [s.init_from for s in linears] == [
        'pretrain_cvrl', 'pretrain_per_frame', None]
    assert len(rows['random'].stages) == 1  # frozen random backbone
    for s in linears:  # the val split only replaces the tested file
        assert ('test_dataloader.dataset.ann_file', '/d/val.txt') in \
            s.cfg_options
    assert not any(k.startswith('test_') for k, _ in pre.cfg_options)
    plain = evidence.build_rows(1, 1)[0].stages[1]
    assert not any(k.startswith('test_') for k, _ in plain.cfg_options)


def test_table_and_claims():
    report = _report(dict(cvrl=[80.0, 84.0], per_frame=[70.0, 72.0],
                          random=[60.0, 66.0]))
    table = evidence.results_table(report)
    assert ('| CVRL pre-training (clip-consistent augmentation) | '
            '80.0 / 84.0 | 82.0 ± 2.8 | - | 9.3 M |') in table
    assert '| 71.0 ± 1.4 | -11.0 |' in table
    checks = {c.name: c for c in evidence.claims(report)}
    assert all(c.passed for c in checks.values())
    assert checks['cvrl_beats_random_by_5'].numbers['random'] == 63.0
    report = _report(dict(cvrl=[80.0, 84.0], per_frame=[78.0, 80.0],
                          random=[90.0, 90.0]))
    checks = {c.name: c.passed for c in evidence.claims(report)}
    assert checks == dict(cvrl_beats_per_frame_by_5=False,
                          cvrl_beats_random_by_5=False)
    # exactly the margin passes
    report = _report(dict(cvrl=[80.0, 80.0], per_frame=[75.0, 75.0],
                          random=[50.0, 50.0]))
    assert all(c.passed for c in evidence.claims(report))


def test_parse_args():
    args = evidence.parse_args(['--pretrain-epochs', '3'])
    assert args.pretrain_epochs == 3 and args.linear_epochs == 30
    assert evidence.parse_args([]).pretrain_epochs == 64
    assert args.eval_split == 'test' and args.seeds == [0, 1, 2]
    assert args.data_root == 'data/motion_type_plain_fixed_480'


def test_data_is_motion_type_and_classifier_fits_it():
    from mmtin.datasets.synthetic.motion_type import CLASSES
    spec = evidence.data_spec()
    assert spec.generator.__name__ == 'generate_motion_type_dataset'
    assert spec.params == evidence.DATA_PARAMS
    assert evidence.NUM_CLASSES == len(CLASSES)
    for row in evidence.build_rows(1, 1):
        linear = row.stages[-1]
        assert ('model.cls_head.num_classes', len(CLASSES)) in \
            linear.cfg_options
        if len(row.stages) > 1:  # pre-training has no classifier
            assert not any(k.startswith('model.cls_head')
                           for k, _ in row.stages[0].cfg_options)


def test_pretrain_recipe_reaches_both_pretrainings_only():
    from mmengine.config import Config
    rows = {r.name: r for r in evidence.build_rows(1, 1)}
    for name in ('cvrl', 'per_frame'):
        pre = rows[name].stages[0]
        assert set(evidence.PRETRAIN_OPTIONS) <= set(pre.cfg_options)
        cfg = Config.fromfile(pre.config)
        cfg.merge_from_dict(dict(evidence.PRETRAIN_OPTIONS))
        # the keys land on the clip augmentation, which stays per clip or
        # per frame as the config says
        augment = cfg.train_dataloader.dataset.pipeline[3]
        assert augment['type'] == 'ClipwiseAugment'
        assert augment['unit'] == ('clip' if name == 'cvrl' else 'frame')
        crop, _, jitter = augment['transforms']
        assert crop['type'] == 'RandomResizedCrop'
        assert tuple(crop['area_range']) == (0.6, 1.0)
        assert jitter['type'] == 'ColorJitter' and jitter['brightness'] == .2
        assert cfg.model.head.temperature == 0.2
    for row in rows.values():  # linear evaluations keep their recipe
        keys = {k for k, _ in row.stages[-1].cfg_options}
        assert not keys & {k for k, _ in evidence.PRETRAIN_OPTIONS}


def test_probe_losses_read_the_last_logged_loss(tmp_path):
    import json
    for row, seed, losses in [('cvrl', 0, [1.2, 0.5]),
                              ('random', 0, [1.1, 0.9])]:
        vis = tmp_path / f'seed{seed}' / f'linear_{row}' / '2026' / 'vis_data'
        vis.mkdir(parents=True)
        lines = [dict(loss=v, step=i) for i, v in enumerate(losses)]
        lines.append({'acc/top1': 0.5, 'step': 2})  # a test entry
        (vis / 'scalars.json').write_text(
            '\n'.join(json.dumps(x) for x in lines))
    losses = evidence.probe_losses(str(tmp_path), [0, 1])
    assert losses == dict(cvrl={0: 0.5}, random={0: 0.9})
    line = evidence.loss_line(losses)
    assert 'CVRL pre-training 0.50' in line
    assert 'random initialisation 0.90' in line
