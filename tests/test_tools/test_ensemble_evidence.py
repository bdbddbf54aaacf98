# Copyright (c) OpenMMLab. All rights reserved.
"""tools/analysis/ensemble_evidence.py: rows, budget, table and claims on
synthetic records (no training), and the demo configs."""
import pytest
from script_loader import load_script

evidence = load_script('tools/analysis/ensemble_evidence.py')


def _report(top1, gflops):
    from mmtin.study import StudyReport
    records = [dict(row=r, variant='', seed=k,
                    values=dict(top1=v / 100, gflops=gflops[r]), metrics={})
               for r, accs in top1.items() for k, v in enumerate(accs)]
    return StudyReport(records, evidence.build_rows(2), [0, 1])


GFLOPS = dict(full=0.0055, ensemble=0.0055, half=0.00275)


def test_rows_share_the_first_member_and_test_the_ensemble():
    rows = {r.name: r for r in evidence.build_rows(7)}
    assert list(rows) == ['full', 'ensemble', 'half']
    full, = rows['full'].stages
    m0, m1, ens = rows['ensemble'].stages
    assert rows['half'].stages == (m0, )  # the control is member 0 alone
    # same budget: every trained stage runs the same epochs
    assert full.epochs == m0.epochs == m1.epochs == 7
    assert full.config.endswith('movinet_a0_demo_8x2.py')
    assert m0.config == m1.config and m0.config.endswith('_half_rate.py')
    # member 1: odd frames, its own seed
    assert m0.seed_offset == 0
    assert m1.seed_offset == evidence.MEMBER_SEED_OFFSET
    assert (evidence.OFFSET_KEY, 1) in m1.cfg_options
    assert evidence.OFFSET_KEY not in dict(m0.cfg_options)
    assert not ens.train and ens.epochs is None
    assert ens.from_stages == (('member0', 'model.members.0.checkpoint'),
                               ('member1', 'model.members.1.checkpoint'))
    for row in rows.values():
        assert row.metrics == {'top1': 'acc/top1', 'gflops': None}


def test_configs_frames_and_members():
    from mmengine.config import Config
    cfgs = {n: Config.fromfile(evidence.config_path(n))
            for n in ('8x2', 'half_rate', 'ensemble_2x4x4')}

    def sample(cfg):
        return next(t for t in cfg.test_dataloader.dataset.pipeline
                    if t['type'] == 'SampleFrames')

    assert (sample(cfgs['8x2'])['clip_len'],
            sample(cfgs['8x2'])['frame_interval']) == (8, 2)
    half = cfgs['half_rate']
    assert sample(half) == sample(cfgs['8x2'])  # takes its frames of it
    assert half.model.type == 'EnsembleRecognizer'
    assert [m['frames'] for m in half.model.members] == [
        dict(offset=0, stride=2)]
    ens = cfgs['ensemble_2x4x4']
    assert sample(ens)['clip_len'] == 8  # the full-rate clip
    assert ens.model.num_frames == 8
    assert ens.model.type == 'EnsembleRecognizer'
    assert ens.model.fuse == 'logits'
    assert [m['frames'] for m in ens.model.members] == [
        dict(offset=0, stride=2), dict(offset=1, stride=2)]
    # the members are the half-rate model
    assert ens.model.members[0]['model'] == cfgs['8x2'].model
    assert half.model.members[0]['model'] == cfgs['8x2'].model
    for cfg in cfgs.values():  # no flip: it swaps the classes
        for split in ('train', 'test'):
            pipeline = cfg[f'{split}_dataloader'].dataset.pipeline
            assert 'Flip' not in [t['type'] for t in pipeline]


def test_a_member_trained_alone_loads_into_the_ensemble(tmp_path):
    """The half-rate member's checkpoint (a one-member ensemble's) is a
    member checkpoint of the two-member ensemble."""
    import torch
    from mmaction.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    init_default_scope('mmaction')
    half = MODELS.build(Config.fromfile(
        evidence.config_path('half_rate')).model)
    ckpt = str(tmp_path / 'member.pth')
    torch.save(dict(state_dict=half.state_dict()), ckpt)
    cfg = Config.fromfile(evidence.config_path('ensemble_2x4x4'))
    cfg.merge_from_dict({'model.members.1.checkpoint': ckpt})
    ens = MODELS.build(cfg.model).eval()
    assert torch.equal(ens.members[1].cls_head.fc_cls.weight,
                       half.members[0].cls_head.fc_cls.weight)
    clip = torch.rand(1, 1, 3, 8, 64, 64)
    # member 1 sees frames 1, 3, 5, 7 of the clip: video frames 2, 6, ...
    assert torch.equal(ens.member_inputs(clip, 1), clip[:, :, :, 1::2])


def test_table_and_claims():
    report = _report(dict(full=[90.0, 92.0], ensemble=[93.0, 91.0],
                          half=[85.0, 87.0]), GFLOPS)
    table = evidence.results_table(report, dict(full=10.0, ensemble=11.5,
                                                half=6.0))
    assert '| full rate: 1 x A0-demo, 8x2 frames | 90.0 / 92.0 | ' \
        '91.0 ± 1.4 | 5.5 M | 1.00x | 10.0 ms | 1 x E |' in table
    assert '| 2.8 M | 0.50x | 6.0 ms |' in table
    checks = {c.name: c for c in evidence.claims(report)}
    assert all(c.passed for c in checks.values())
    assert checks['ensemble_beats_one_member'].numbers['half'] == 86.0
    # 1.5 points below the full model, FLOPs 1.1x, no better than a member
    report = _report(dict(full=[90.0, 92.0], ensemble=[89.0, 90.0],
                          half=[89.0, 90.0]),
                     dict(GFLOPS, ensemble=0.00605))
    checks = {c.name: c.passed for c in evidence.claims(report)}
    assert checks == dict(full_model_learned_the_task=True,
                          ensemble_within_1_point_of_full=False,
                          ensemble_flops_equal_to_full=False,
                          ensemble_beats_one_member=False)
    # the tolerance is inclusive
    report = _report(dict(full=[90.0, 92.0], ensemble=[90.0, 90.0],
                          half=[80.0, 80.0]), GFLOPS)
    assert all(c.passed for c in evidence.claims(report))
    # models at chance: the comparisons hold vacuously, the precondition not
    report = _report(dict(full=[50.0, 49.0], ensemble=[50.0, 50.0],
                          half=[49.0, 50.0]), GFLOPS)
    checks = {c.name: c.passed for c in evidence.claims(report)}
    assert not checks['full_model_learned_the_task']
    assert checks['ensemble_within_1_point_of_full']


def test_parse_args_and_latency():
    args = evidence.parse_args(['--eval-split', 'val', '--threads', '2'])
    assert args.eval_split == 'val' and args.threads == 2
    assert args.seeds == [0, 1, 2] and args.epochs == 6
    with pytest.raises(SystemExit):
        evidence.parse_args(['--eval-split', 'train'])
    seconds = evidence.measure_latency(
        evidence.config_path('ensemble_2x4x4'), runs=2, warmup=1)
    assert 0 < seconds < 5
