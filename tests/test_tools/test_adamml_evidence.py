# Copyright (c) OpenMMLab. All rights reserved.
"""tools/analysis/adamml_evidence.py: options, claim check and tables
(on made-up metrics; the study itself is in docs/adamml.md)."""
import pytest
from script_loader import load_script

ev = load_script('tools/analysis/adamml_evidence.py')


def _metrics(top1, gflops, usage):
    """``usage[m][k]``: fraction of segments of class k using m."""
    out = {'adamml/top1': top1, 'adamml/gflops': gflops}
    for m, per_class in usage.items():
        out[f'adamml/usage/{m}'] = sum(per_class) / len(per_class)
        for k, v in enumerate(per_class):
            out[f'adamml/usage/{m}/class_{k}'] = v
    return out


def _seed(ada_top1=1.0):
    full = dict(rgb=[1] * 4, audio=[1] * 4, motion=[1] * 4)
    return dict(
        adamml=_metrics(ada_top1, 0.008, dict(
            rgb=[1, 1, 0, 0], audio=[0, 0, 1, 1], motion=[0] * 4)),
        all_modalities=_metrics(1.0, 0.0176, full),
        rgb_only=_metrics(0.75, 0.0112, dict(rgb=[1] * 4)))


def test_defaults_and_new_options():
    args = ev.parse_args([])
    assert args.split == 'test' and args.picture_audio == 'random_tone'
    assert args.models == list(ev.MODELS) and args.out_dir is None
    args = ev.parse_args(['--split', 'val', '--models', 'adamml'])
    assert args.split == 'val' and args.models == ['adamml']
    with pytest.raises(SystemExit):
        ev.parse_args(['--split', 'train'])


def test_claim_check_and_tables():
    per_seed = {0: _seed(), 1: _seed(), 2: _seed(0.97)}
    summary, claims = ev.summarise(per_seed)
    assert claims['top1_gap_points'] == pytest.approx(1.0)
    assert claims['compute_saving'] == pytest.approx(1 - 0.008 / 0.0176)
    assert claims['audio_share_on_sound_classes'] == 1.0
    assert claims['holds']
    text = ev.markdown(summary, claims, ev.parse_args([]), per_seed)
    assert '| AdaMML (policy) | 100.0 / 0.0080 | 100.0 / 0.0080 | ' \
        '97.0 / 0.0080 |' in text
    assert '| 2 green_low_tone | sound | 0 % | 100 % | 0 % |' in text
    assert 'Holds: True.' in text
    # one more wrong video per seed: 2 points behind, the claim fails
    per_seed = {k: _seed(0.98) for k in range(3)}
    for s in per_seed.values():
        s['all_modalities']['adamml/top1'] = 1.0
    per_seed[0]['adamml']['adamml/top1'] = 0.96
    _, claims = ev.summarise(per_seed)
    assert not claims['within_1_point'] and not claims['holds']


def test_build_cfg_evaluates_the_chosen_split(tmp_path):
    cfg = ev._build_cfg('finetune', 'data/x', str(tmp_path), 0, 2,
                        split='val')
    assert cfg.test_dataloader.dataset.ann_file == 'data/x/val.txt'
    assert cfg.train_dataloader.dataset.ann_file == 'data/x/train.txt'
    assert cfg.train_cfg.max_epochs == 2
