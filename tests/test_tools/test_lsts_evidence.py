# Copyright (c) OpenMMLab. All rights reserved.
"""tools/analysis/lsts_evidence.py: the alignment study (small, fast
version) and the table / claim helpers."""
import math

import torch
from script_loader import load_script

evidence = load_script('tools/analysis/lsts_evidence.py')


def test_moved_copy_flow_is_the_motion():
    g = torch.Generator().manual_seed(0)
    feat = evidence.smooth_features(2, 16, 4, g)
    ref, flow = evidence.moved_copy(feat, (2.0, -1.0), 0.0)
    assert torch.allclose(flow, torch.tensor([2.0, -1.0]).expand(16, 16, 2))
    # pure integer translation: ref(p + d) = feat(p)
    torch.testing.assert_close(ref[..., 3:13, 4:14], feat[..., 4:14, 2:12],
                               rtol=1e-4, atol=1e-4)
    _, flow = evidence.moved_copy(feat, (0.0, 0.0), 90.0)
    # a corner moves by (R - I) p about the centre (7.5, 7.5)
    p = torch.tensor([-7.5, -7.5])
    rot = torch.tensor([[0., -1.], [1., 0.]])
    torch.testing.assert_close(flow[0, 0], rot @ p - p, rtol=1e-5,
                               atol=1e-5)


def test_learned_offsets_recover_the_motion():
    res = evidence.alignment_study(steps=60, size=16, channels=6,
                                   shift=(2.3, -1.6), angle_deg=3.0)
    assert res['error_drop_vs_untrained'] >= 5
    assert res['error_drop_vs_frozen_grid'] >= 5
    assert res['trained']['epe'] < res['untrained']['epe'] / 3
    assert res['trained']['epe'] < 0.5
    # offsets moved out of the 3x3 grid ([-1, 1]^2) onto the motion
    offsets = torch.tensor(res['learned_offsets'])
    nearest = (offsets - torch.tensor([2.3, -1.6])).norm(dim=1).min()
    assert nearest < 0.5
    assert math.isfinite(res['trained']['rel_error'])


def _report(top1, gflops):
    from mmtin.study import StudyReport
    records = [dict(row=m, variant='', seed=k,
                    values=dict(top1=v / 100, gflops=gflops[m]), metrics={})
               for m, accs in top1.items() for k, v in enumerate(accs)]
    return StudyReport(records, list(top1), [0, 1])


def test_table_and_claims_on_the_study_report():
    gflops = dict(plain=0.100, lsts=0.045, copy=0.025)
    report = _report(dict(plain=[99.0, 97.0], lsts=[98.0, 97.0],
                          copy=[70.0, 74.0]), gflops)
    table = evidence.propagation_table(report)
    assert '| keyframe propagation, LSTS (interval 4) | 98.0 / 97.0 | ' \
        '97.5 ± 0.7 | 45.0 M | 45% | - |' in table
    assert '| 25.0 M | 25% | - |' in table
    checks = {c.name: c for c in evidence.claims(report)}
    assert checks['lsts_within_2_points_of_plain'].passed
    assert checks['lsts_flops_at_most_half'].passed
    assert checks['lsts_beats_copy_by_margin'].passed
    assert checks['lsts_beats_copy_by_margin'].numbers['copy'] == 72.0
    report = _report(dict(plain=[99.0, 97.0], lsts=[90.0, 91.0],
                          copy=[86.0, 88.0]), gflops)
    checks = {c.name: c.passed for c in evidence.claims(report)}
    assert checks == dict(lsts_within_2_points_of_plain=False,
                          lsts_flops_at_most_half=True,
                          lsts_beats_copy_by_margin=False)


def test_rows_are_one_stage_per_method_with_counted_flops():
    rows = evidence.build_rows(['plain', 'lsts_dfa'], 3)
    assert [r.name for r in rows] == ['plain', 'lsts_dfa']
    stage = rows[1].stages[0]
    assert stage.epochs == 3
    assert stage.config.endswith('configs/lsts/lsts_r18_moving_object.py')
    assert ('model.fusion', evidence.DFA) in stage.cfg_options
    assert rows[0].metrics == {'top1': 'acc/top1', 'gflops': None}
    args = evidence.parse_args(['--threads', '2', '--resume'])
    assert args.threads == 2 and args.resume and args.seeds == [0, 1, 2]
    assert args.data_root == 'data/moving_object'


def test_claims_and_tables_per_held_out_variant(tmp_path):
    from mmtin.study import StudyReport
    gflops = dict(plain=0.100, lsts=0.045, copy=0.025)
    top1 = dict(orbit_disc=dict(plain=[99.0, 97.0], lsts=[98.0, 97.0],
                                copy=[70.0, 74.0]),
                bounce_stripes=dict(plain=[99.0, 97.0], lsts=[90.0, 91.0],
                                    copy=[86.0, 88.0]))
    records = [dict(row=m, variant=v, seed=k, metrics={},
                    values=dict(top1=a / 100, gflops=gflops[m]))
               for v, rows in top1.items() for m, accs in rows.items()
               for k, a in enumerate(accs)]
    report = StudyReport(records, list(gflops), [0, 1])
    checks = {c.name: c.passed
              for v in top1 for c in evidence.claims(report, variant=v)}
    assert checks['orbit_disc/lsts_within_2_points_of_plain']
    assert checks['orbit_disc/lsts_beats_copy_by_margin']
    assert not checks['bounce_stripes/lsts_within_2_points_of_plain']
    assert checks['bounce_stripes/lsts_flops_at_most_half']
    assert '| 90.0 / 91.0 | 90.5 ± 0.7 |' in evidence.propagation_table(
        report, 'bounce_stripes')
    evidence.plot_variants(report, list(top1), str(tmp_path / 'v.png'))
    assert (tmp_path / 'v.png').stat().st_size > 0
    args = evidence.parse_args(['--variants', 'orbit_disc', 'dev'])
    assert args.variants == ['orbit_disc', 'dev']
    assert evidence.data_spec('orbit_disc').params == dict(
        variant='orbit_disc')
    assert evidence.data_spec().params == {}
