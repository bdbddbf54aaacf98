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


def test_summary_table_and_claims():
    runs = dict(plain=[dict(top1=99.0), dict(top1=97.0)],
                lsts=[dict(top1=98.0), dict(top1=97.0)],
                copy=[dict(top1=70.0), dict(top1=74.0)])
    flops = dict(plain=100e6, lsts=45e6, copy=25e6)
    summary = evidence.summarise(runs, flops)
    assert summary['lsts']['mean'] == 97.5
    assert summary['copy']['flops_ratio'] == 0.25
    table = evidence.propagation_table(summary, [0, 1])
    assert '98.0 / 97.0' in table and '45%' in table
    claims = evidence.claims(summary)
    assert claims['lsts_within_2_points_of_plain']
    assert claims['lsts_flops_at_most_half']
    assert claims['lsts_beats_copy_by_margin']
    runs['lsts'] = [dict(top1=90.0), dict(top1=91.0)]
    claims = evidence.claims(evidence.summarise(runs, flops))
    assert not claims['lsts_within_2_points_of_plain']
