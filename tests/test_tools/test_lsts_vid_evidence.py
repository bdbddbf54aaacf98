# Copyright (c) OpenMMLab. All rights reserved.
"""tools/analysis/lsts_vid_evidence.py: rows, table and claims on synthetic
records (no training), the measurements on untrained models."""
import pytest
import torch
from mmengine.registry import init_default_scope
from script_loader import load_script

evidence = load_script('tools/analysis/lsts_vid_evidence.py')


def _report(map50, degraded, gflops=None, seeds=(0, 1, 2)):
    from mmtin.study import StudyReport
    gflops = gflops or dict(perframe=0.0565, lsts=0.0260, copy=0.0246)
    records = []
    for row, values in map50.items():
        for seed, v in zip(seeds, values):
            vals = dict(map50=v / 100, map=v / 200,
                        degraded_map50=degraded[row][seed] / 100,
                        gflops=gflops[row], feat_ms=4.0, det_ms=9.0,
                        key_map50=0.9, nonkey_map50=v / 100 - 0.05)
            if row == 'lsts':
                vals.update(align_error=0.3, zero_error=0.6,
                            true_rank=float(seed), true_top1=0.5,
                            memory_weight=0.25)
            records.append(dict(row=row, variant='', seed=seed,
                                values=vals, metrics={}))
    return StudyReport(records, evidence.build_rows(2), list(seeds))


def test_rows_share_data_epochs_and_metric_keys():
    rows = evidence.build_rows(3)
    assert [r.name for r in rows] == ['perframe', 'lsts', 'copy']
    for row in rows:
        (stage, ) = row.stages
        assert stage.epochs == 3 and stage.init_from is None
        assert stage.config.endswith(
            f'configs/lsts_vid/{row.name}_r18_vid_objects.py')
        assert row.metrics == {'map50': 'vid/mAP_50', 'map': 'vid/mAP',
                               'degraded_map50': 'vid/degraded/mAP_50'}
    args = evidence.parse_args(['--threads', '2', '--resume'])
    assert args.threads == 2 and args.resume and args.seeds == [0, 1, 2]
    assert args.epochs == evidence.EPOCHS
    assert args.data_root == 'data/vid_objects'
    assert evidence.data_spec().expected()['seed'] == 0
    default = evidence.data_spec().expected()  # the generator's 1-3
    assert (default['min_speed'], default['max_speed']) == (1.0, 3.0)


def test_init_epochs_start_every_row_from_one_perframe_stage():
    rows = evidence.build_rows(4, init_epochs=3)
    assert [r.name for r in rows] == ['perframe', 'lsts', 'copy']
    for row in rows:
        first, last = row.stages
        # the same stage in every row: the study trains it once per seed
        assert first == rows[0].stages[0]
        assert first.name == 'pretrain' and first.epochs == 3
        assert first.config == evidence.config_path('perframe')
        assert last.name == row.name and last.epochs == 4
        assert last.init_from == 'pretrain'
        assert last.config == evidence.config_path(row.name)
    assert evidence.parse_args(['--init-epochs', '3']).init_epochs == 3
    assert evidence.parse_args([]).init_epochs == evidence.INIT_EPOCHS
    assert evidence.parse_args(['--init-epochs', '0']).init_epochs is None
    with pytest.raises(SystemExit):
        evidence.parse_args(['--init-epochs', '-1'])


def test_speed_option_reaches_the_data_spec():
    args = evidence.parse_args(['--speed', '3', '6'])
    expected = evidence.data_spec(args.speed).expected()
    assert (expected['min_speed'], expected['max_speed']) == (3.0, 6.0)
    assert evidence.parse_args([]).speed is None
    for bad in (['--speed', '4', '2'], ['--speed', '-1', '2']):
        with pytest.raises(SystemExit):
            evidence.parse_args(bad)


def test_table_and_claims_that_hold():
    report = _report(
        dict(perframe=[80., 82., 81.], lsts=[80., 81., 80.],
             copy=[70., 72., 74.]),
        dict(perframe=[60., 62., 64.], lsts=[66., 66., 66.],
             copy=[50., 50., 50.]))
    table = evidence.results_table(report)
    k = evidence.keyframe_interval()
    assert f'| LSTS propagation (k = {k}, SRFU + DFA) | 80.0 / 81.0 / 80.0 | ' \
        '80.3 ± 0.6 | 40.2 ± 0.3 | 66.0 ± 0.0 | 90.0 ± 0.0 | 75.3 ± 0.6 | ' \
        '26.0 M | 46% | 4.00 ± 0.00 ' \
        '| 9.00 ± 0.00 |' in table
    assert '| 56.5 M | 100% |' in table
    align = evidence.alignment_table(report)
    assert '| alignment error, zero displacement (copy), cells | 0.60 / ' \
        '0.60 / 0.60 | 0.60 ± 0.00 |' in align
    assert "DFA's similarities (median; 0 = largest) | 0.0 / 1.0 / 2.0 | " \
        '1.0 ± 1.0 |' in align
    assert 'low2high features) | 0.25 / 0.25 / 0.25 | 0.25 ± 0.00 |' in align
    checks = {c.name: c for c in evidence.claims(report)}
    assert list(checks) == ['lsts_within_1.5_map50_of_perframe',
                            'lsts_backbone_flops_at_most_half',
                            'lsts_beats_copy_by_5',
                            'dfa_improves_degraded_frames']
    assert all(c.passed for c in checks.values())
    assert checks['lsts_beats_copy_by_5'].numbers['copy'] == \
        pytest.approx(72.0)
    assert checks['lsts_backbone_flops_at_most_half'].numbers[
        'flops_ratio'] == pytest.approx(0.026 / 0.0565)


def test_claims_that_fail_on_the_boundaries():
    # LSTS 1.6 below per-frame, 4.9 above copy, degraded equal, FLOPs 51 %
    report = _report(
        dict(perframe=[81.6] * 3, lsts=[80.0] * 3, copy=[75.1] * 3),
        dict(perframe=[60.0] * 3, lsts=[60.0] * 3, copy=[50.0] * 3),
        gflops=dict(perframe=0.1, lsts=0.051, copy=0.04))
    assert not any(c.passed for c in evidence.claims(report))
    # exactly 1.5 below and exactly 5 above copy hold (>=)
    report = _report(
        dict(perframe=[81.5] * 3, lsts=[80.0] * 3, copy=[75.0] * 3),
        dict(perframe=[60.0] * 3, lsts=[60.5] * 3, copy=[50.0] * 3),
        gflops=dict(perframe=0.1, lsts=0.05, copy=0.04))
    assert all(c.passed for c in evidence.claims(report))


def test_flops_and_latency_of_the_committed_configs():
    from mmengine.config import Config

    import mmtin  # noqa: F401
    from mmaction.registry import MODELS
    init_default_scope('mmaction')
    torch.manual_seed(0)
    models = {
        row: MODELS.build(
            Config.fromfile(evidence.config_path(row)).model.to_dict()).eval()
        for row in ('perframe', 'lsts')
    }
    clip = torch.randn(1, 16, 3, 64, 64)  # a test clip
    flops = {row: evidence.backbone_gflops_per_frame(m, clip)
             for row, m in models.items()}
    # k = 6 on 16 frames: 3 keyframes, 2 SRFU, 13 non-key frames
    assert flops['lsts'] <= 0.5 * flops['perframe']
    assert flops['perframe'] == pytest.approx(0.0565, rel=0.01)
    lat = evidence.interleaved_latency(models, clip, repeats=1, warmup=0)
    assert set(lat) == {'perframe', 'lsts'}
    assert all(v['feat_ms'] > 0 and v['det_ms'] > 0 for v in lat.values())


def test_alignment_errors_on_generated_snippets(tmp_path):
    from mmengine.config import Config

    import mmtin  # noqa: F401
    from mmaction.registry import MODELS
    from mmtin.datasets.synthetic import generate_vid_objects_dataset
    init_default_scope('mmaction')
    generate_vid_objects_dataset(str(tmp_path), num_videos=(1, 2),
                                 frames=6, seed=3)
    dataset = evidence.test_dataset(evidence.config_path('lsts'),
                                    str(tmp_path))
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(
        evidence.config_path('lsts')).model.to_dict()).eval()
    out = evidence.alignment_errors(model, dataset, 8)
    # 2 snippets x 5 non-key frames (k = 6: keyframe 0) x objects
    assert out['objects'] >= 2 * 5
    assert out['zero_error'] == pytest.approx(out['motion'])
    assert out['align_error'] >= 0 and out['zero_error'] > 0
    n = model.dfa_align.num_offsets
    assert 0 <= out['true_rank'] < n and 0 <= out['true_top1'] <= 1
    assert 0 < out['memory_weight'] < 1


def _six_frame_test_dataset(tmp_path):
    """The test split of a generated VID dataset: 2 snippets of 6
    frames."""
    import mmtin  # noqa: F401
    from mmtin.datasets.synthetic import generate_vid_objects_dataset
    init_default_scope('mmaction')
    generate_vid_objects_dataset(str(tmp_path), num_videos=(1, 2),
                                 frames=6, seed=3)
    return evidence.test_dataset(evidence.config_path('lsts'),
                                 str(tmp_path))


def test_keyframe_maps_split_the_frames_by_position(tmp_path):
    """A model that returns the ground truth on keyframe positions and
    nothing elsewhere scores 1 there and 0 on the other positions."""
    from mmengine.structures import InstanceData

    dataset = _six_frame_test_dataset(tmp_path)

    class KeyOnly:
        def test_step(self, data):
            samples = data['data_samples']
            for s in samples:
                s.pred_instances = [
                    InstanceData(bboxes=g.bboxes, labels=g.labels,
                                 scores=torch.ones(len(g.labels)))
                    if t % 3 == 0 else
                    InstanceData(bboxes=torch.zeros(0, 4),
                                 labels=torch.zeros(0, dtype=torch.long),
                                 scores=torch.zeros(0))
                    for t, g in enumerate(s.gt_instances)]
            return samples

    assert evidence.keyframe_maps(KeyOnly(), dataset, 3) == dict(
        key_map50=pytest.approx(1.0), nonkey_map50=0.0)
    assert evidence.keyframe_interval('perframe') == 1
    assert f'(k = {evidence.keyframe_interval()}, SRFU' in \
        evidence.build_rows(1)[1].label


def test_ensure_data_generates_vid_objects(tmp_path):
    """The study core marks a folder before it generates into it; the VID
    generator takes a folder holding only that marker as empty."""
    from mmtin.datasets.synthetic import generate_vid_objects_dataset
    from mmtin.study import DataSpec, ensure_data
    spec = DataSpec(generate_vid_objects_dataset,
                    dict(num_videos=[1, 1], frames=2, size=32, seed=5))
    root = str(tmp_path / 'vid')
    meta = ensure_data(root, spec)
    assert meta['counts']['val']['frames'] == 2
    assert ensure_data(root, spec) == meta  # reused
    other = tmp_path / 'other'
    other.mkdir()
    (other / 'x.txt').write_text('not ours')
    with pytest.raises(Exception, match='meta.json'):
        ensure_data(str(other), spec)


def test_load_model_restores_the_checkpoint_in_eval_mode(tmp_path):
    from mmengine.config import Config

    from mmaction.registry import MODELS
    init_default_scope('mmaction')
    config = evidence.config_path('lsts')
    model = MODELS.build(Config.fromfile(config).model.to_dict())
    with torch.no_grad():  # weights no initialisation would give
        for p in model.parameters():
            p.uniform_(-1, 1)
    torch.save({'state_dict': model.state_dict()}, tmp_path / 'c.pth')
    loaded = evidence.load_model(config, str(tmp_path / 'c.pth'))
    assert not loaded.training
    for (name, a), b in zip(model.state_dict().items(),
                            loaded.state_dict().values()):
        assert torch.equal(a, b), name
    torch.save({'state_dict': {}}, tmp_path / 'empty.pth')
    with pytest.raises(Exception, match='missing'):
        evidence.load_model(config, str(tmp_path / 'empty.pth'))


def test_data_seed_option_reaches_the_data_spec():
    args = evidence.parse_args(['--data-seed', '1', '--speed', '3', '6'])
    expected = evidence.data_spec(args.speed, args.data_seed).expected()
    assert expected['seed'] == 1 and expected['max_speed'] == 6.0
    assert evidence.parse_args([]).data_seed is None
    assert evidence.data_spec(None, None).expected()['seed'] == 0


def test_stage_config_prefers_the_config_the_stage_dumped(tmp_path):
    ckpt = tmp_path / 'seed0' / 'lsts' / 'epoch_18.pth'
    ckpt.parent.mkdir(parents=True)
    record = dict(row='lsts', checkpoint=str(ckpt))
    assert evidence.stage_config(record) == evidence.config_path('lsts')
    dumped = ckpt.parent / 'lsts_r18_vid_objects.py'
    dumped.write_text('# with --cfg-options\n')
    assert evidence.stage_config(record) == str(dumped)


def test_recorded_maps_read_the_test_runs_keyframe_subsets(tmp_path):
    """The demo configs test with VIDCocoMetric(keyframe_interval=6), so
    the positions' mAP comes from the stage's own test metrics; a record
    without them, or of another interval, is predicted again (None)."""
    record = dict(row='lsts', checkpoint=str(tmp_path / 'epoch_1.pth'),
                  metrics={'vid/keyframe/mAP_50': 0.7,
                           'vid/nonkey/mAP_50': 0.4})
    assert evidence.keyframe_interval() == 6
    assert evidence.recorded_maps(record, 6) == dict(key_map50=0.7,
                                                     nonkey_map50=0.4)
    assert evidence.recorded_maps(record, 4) is None
    assert evidence.recorded_maps(dict(record, metrics={}), 6) is None


def test_dfa_path_maps_replace_the_fusion_by_each_input(tmp_path):
    """A stub detector that is right exactly when DFA returns the frame's
    own features: 1 with low2high alone, 0 with the memory alone; the
    model's own dfa is back afterwards."""
    from mmengine.structures import InstanceData

    dataset = _six_frame_test_dataset(tmp_path)

    class Stub:
        def dfa_aligned(self, cur, memory):
            return memory

        def dfa(self, cur, memory):
            return 'fused'

        def test_step(self, data):
            right = self.dfa('cur', 'memory') == 'cur'
            for s in data['data_samples']:
                s.pred_instances = [
                    InstanceData(bboxes=g.bboxes, labels=g.labels,
                                 scores=torch.ones(len(g.labels)))
                    if right else
                    InstanceData(bboxes=torch.zeros(0, 4),
                                 labels=torch.zeros(0, dtype=torch.long),
                                 scores=torch.zeros(0))
                    for g in s.gt_instances]
            return data['data_samples']

    stub = Stub()
    assert evidence.dfa_path_maps(stub, dataset, 3) == dict(
        low2high_nonkey_map50=pytest.approx(1.0), memory_nonkey_map50=0.0)
    assert stub.dfa('cur', 'memory') == 'fused'
