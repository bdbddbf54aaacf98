# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML evidence: accuracy vs compute on the audio-visual demo data.

Usage::

    flock /tmp/mmtin-heavy.lock python tools/analysis/adamml_evidence.py \
        [--work-dir work_dirs/adamml_evidence] [--data-root
        data/audio_visual] [--seeds 0 1 2] [--num-per-class 50]
        [--epochs 3 6 1] [--picture-audio random_tone] [--split test]
        [--models adamml all_modalities rgb_only] [--out-dir docs]

For every seed, through MMEngine's ``Runner.from_cfg`` (what
``tools/train.py`` runs) and the configs in ``configs/adamml/``:

* AdaMML: ``adamml_demo_warmup`` -> ``adamml_demo_joint`` ->
  ``adamml_demo_finetune`` (``--epochs`` W J F; each stage loads the
  previous stage's last checkpoint), then tested;
* the all-modalities control (``adamml_demo_all_modalities``: the same main
  network, every modality in every segment, no policy) and the plain
  RGB-only model (``adamml_demo_rgb_only``), each trained W + J + F epochs
  (the same budget), then tested.

The test loop's ``AdaMMLMetric`` gives top-1, GFLOPs per video (policy +
the sub-networks actually run, ``mmengine.analysis`` counts) and the
fraction of segments using each modality, per class. Writes
``results.json``, ``adamml_evidence.md`` and ``adamml_evidence.png`` in the
work dir and prints the tables. The claim checked: AdaMML within 1 point of
the all-modalities top-1 (mean over seeds) at >= 35 % less compute, and
its audio use falls mostly on the classes the sound decides.

``--split val --models adamml`` trains and evaluates AdaMML alone on the
validation split (metrics only, no claim check): the way the demo
settings were chosen, without looking at the test split.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import sys
import time

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO_ROOT)

import mmtin  # noqa: E402,F401
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from mmtin.datasets.synthetic.audio_visual import (  # noqa: E402
    CLASSES, SOUND_CLASSES, generate_audio_visual_dataset)

CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'adamml')
MODELS = ('adamml', 'all_modalities', 'rgb_only')
LABELS = dict(adamml='AdaMML (policy)',
              all_modalities='All modalities (no policy)',
              rgb_only='RGB only (plain)')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/adamml_evidence')
    parser.add_argument('--data-root', default='data/audio_visual')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--num-per-class', type=int, default=50)
    parser.add_argument(
        '--epochs', nargs=3, type=int, default=[3, 6, 1],
        metavar=('WARMUP', 'JOINT', 'FINETUNE'))
    parser.add_argument('--data-seed', type=int, default=0)
    parser.add_argument(
        '--picture-audio', default='random_tone',
        choices=('random_tone', 'noise'),
        help='sound of the picture-decided classes (see the generator)')
    parser.add_argument(
        '--split', default='test', choices=('test', 'val'),
        help='split to evaluate on; choose settings on val, report test')
    parser.add_argument(
        '--out-dir', default=None,
        help='also write adamml_evidence.json and adamml_evidence.png '
        'there (e.g. docs)')
    parser.add_argument(
        '--models', nargs='+', default=list(MODELS), choices=MODELS,
        help='models to train (the claim needs all three)')
    return parser.parse_args(argv)


def _set_epochs(cfg, epochs):
    """Train ``epochs``; schedules scale with the config's own length."""
    cfg_epochs = cfg.train_cfg.max_epochs
    cfg.train_cfg.max_epochs = epochs
    cfg.train_cfg.val_interval = epochs + 1  # test only at the end
    for sched in cfg.param_scheduler:
        sched.end = epochs
        if 'T_max' in sched:
            sched.T_max = epochs
        if 'milestones' in sched:
            sched.milestones = [
                max(1, round(m * epochs / cfg_epochs))
                for m in sched.milestones
            ]


def _build_cfg(name, data_root, work_dir, seed, epochs, load_from=None,
               split='test'):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, f'adamml_demo_{name}.py'))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ann = cfg[key].dataset.ann_file.rsplit('/', 1)[-1]
        if key == 'test_dataloader':
            ann = f'{split}.txt'
        cfg[key].dataset.ann_file = osp.join(data_root, ann)
        cfg[key].dataset.data_prefix = dict(video=data_root)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    _set_epochs(cfg, epochs)
    cfg.work_dir = work_dir
    cfg.randomness = dict(seed=seed, deterministic=False)
    cfg.load_from = load_from
    cfg.default_hooks.logger.interval = 50
    cfg.log_level = 'WARNING'
    return cfg


def _last_checkpoint(work_dir):
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def _run(name, args, seed, epochs, load_from=None, test=False):
    work_dir = osp.join(args.work_dir, f'seed{seed}', name)
    cfg = _build_cfg(name, args.data_root, work_dir, seed, epochs, load_from,
                     args.split)
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test() if test else None
    print(f'[seed {seed}] {name}: {epochs} epochs, '
          f'{time.time() - start:.0f} s', flush=True)
    return _last_checkpoint(work_dir), metrics


def run_seed(args, seed):
    """Train and test the three models of one seed; their test metrics."""
    warm, joint, fine = args.epochs
    out = {}
    if 'adamml' in args.models:
        ckpt, _ = _run('warmup', args, seed, warm)
        ckpt, _ = _run('joint', args, seed, joint, ckpt)
        _, out['adamml'] = _run('finetune', args, seed, fine, ckpt, test=True)
    for name in ('all_modalities', 'rgb_only'):
        if name in args.models:
            _, out[name] = _run(name, args, seed, sum(args.epochs), test=True)
    return out


def _mean_sd(values):
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.mean(values), sd


def summarise(per_seed):
    """Means over seeds and the claim checks."""
    summary = {}
    for model in MODELS:
        runs = [s[model] for s in per_seed.values()]
        keys = sorted(runs[0])
        summary[model] = {
            k.replace('adamml/', ''): _mean_sd([r[k] for r in runs])
            for k in keys
        }
    ada, allm = summary['adamml'], summary['all_modalities']
    saving = 1 - ada['gflops'][0] / allm['gflops'][0]
    gap = 100 * (allm['top1'][0] - ada['top1'][0])
    num = len(CLASSES)
    audio = [ada.get(f'usage/audio/class_{k}', (0.0, 0.0))[0]
             for k in range(num)]
    share = sum(audio[k] for k in SOUND_CLASSES) / max(sum(audio), 1e-12)
    claims = dict(
        top1_gap_points=gap, compute_saving=saving,
        audio_share_on_sound_classes=share,
        within_1_point=gap <= 1.0 + 1e-9, saves_35_percent=saving >= 0.35,
        audio_mostly_on_sound_classes=share > 0.5)
    claims['holds'] = all(
        claims[k] for k in ('within_1_point', 'saves_35_percent',
                            'audio_mostly_on_sound_classes'))
    return summary, claims


def markdown(summary, claims, args, per_seed=None):
    seeds = ' '.join(map(str, args.seeds))
    lines = [
        f'Seeds {seeds}; {args.num_per_class} videos per class '
        f'(50/10/40 % train/val/test); AdaMML epochs warm-up/joint/'
        f'fine-tune = {"/".join(map(str, args.epochs))}, baselines '
        f'{sum(args.epochs)} epochs; sound of the picture classes: '
        f'{args.picture_audio}. Mean +- sd over seeds.', '',
        '| model | top-1 (%) | GFLOPs / video | compute vs all | '
        'usage rgb | usage audio | usage motion |',
        '|---|---|---|---|---|---|---|'
    ]
    base = summary['all_modalities']['gflops'][0]
    for model in MODELS:
        s = summary[model]
        usage = [
            f'{100 * s[f"usage/{m}"][0]:.0f} %' if f'usage/{m}' in s else '-'
            for m in ('rgb', 'audio', 'motion')
        ]
        lines.append(
            f'| {LABELS[model]} | {100 * s["top1"][0]:.1f} +- '
            f'{100 * s["top1"][1]:.1f} | {s["gflops"][0]:.4f} | '
            f'{100 * s["gflops"][0] / base:.0f} % | ' + ' | '.join(usage) +
            ' |')
    if per_seed:
        lines += [
            '', 'Per seed: top-1 (%) / GFLOPs per video:', '',
            '| model | ' + ' | '.join(f'seed {k}' for k in per_seed) + ' |',
            '|---|' + '---|' * len(per_seed)
        ]
        for model in MODELS:
            cells = [
                f'{100 * r[model]["adamml/top1"]:.1f} / '
                f'{r[model]["adamml/gflops"]:.4f}'
                for r in per_seed.values()
            ]
            lines.append(f'| {LABELS[model]} | ' + ' | '.join(cells) + ' |')
    lines += [
        '', 'AdaMML usage by class (fraction of segments, mean over seeds):',
        '', '| class | decided by | rgb | audio | motion |',
        '|---|---|---|---|---|'
    ]
    ada = summary['adamml']
    for k, name in enumerate(CLASSES):
        by = 'sound' if k in SOUND_CLASSES else 'picture'
        cells = [
            f'{100 * ada[f"usage/{m}/class_{k}"][0]:.0f} %'
            for m in ('rgb', 'audio', 'motion')
        ]
        lines.append(f'| {k} {name} | {by} | ' + ' | '.join(cells) + ' |')
    lines += [
        '', f'Claim: top-1 gap {claims["top1_gap_points"]:+.1f} points '
        f'(<= 1: {claims["within_1_point"]}), compute saving '
        f'{100 * claims["compute_saving"]:.0f} % (>= 35 %: '
        f'{claims["saves_35_percent"]}), share of audio use on '
        'sound-decided classes '
        f'{100 * claims["audio_share_on_sound_classes"]:.0f} % (> 50 %: '
        f'{claims["audio_mostly_on_sound_classes"]}). '
        f'Holds: {claims["holds"]}.'
    ]
    return '\n'.join(lines)


def plot(summary, per_seed, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for model, marker, colour in zip(MODELS, 'o^s', ('C0', 'C1', 'C2')):
        xs = [r[model]['adamml/gflops'] for r in per_seed.values()]
        ys = [100 * r[model]['adamml/top1'] for r in per_seed.values()]
        ax1.scatter(xs, ys, marker=marker, color=colour, alpha=0.4)
        ax1.scatter([summary[model]['gflops'][0]],
                    [100 * summary[model]['top1'][0]], marker=marker,
                    color=colour, s=120, label=LABELS[model])
    ax1.set_xlabel('GFLOPs / video')
    ax1.set_ylabel('top-1 (%)')
    ax1.set_title('accuracy vs compute (3 seeds, big = mean)')
    ax1.legend(fontsize=8)
    ada = summary['adamml']
    width = 0.25
    for i, m in enumerate(('rgb', 'audio', 'motion')):
        vals = [100 * ada[f'usage/{m}/class_{k}'][0]
                for k in range(len(CLASSES))]
        ax2.bar([k + (i - 1) * width for k in range(len(CLASSES))], vals,
                width, label=m)
    ax2.set_xticks(range(len(CLASSES)))
    ax2.set_xticklabels([c.replace('_', '\n') for c in CLASSES], fontsize=7)
    ax2.set_ylabel('segments using the modality (%)')
    ax2.set_title('AdaMML usage by class')
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _warm_up_librosa():
    """Pay librosa's first-call cost (lazy imports, numba) once, before
    the dataloader workers fork."""
    import librosa
    import numpy as np
    librosa.feature.melspectrogram(
        y=np.zeros(4000, np.float32), sr=8000, n_fft=256, n_mels=16)


def main(argv=None):
    args = parse_args(argv)
    # 2 shared cores: one intra-op thread (more threads spin and stall)
    torch.set_num_threads(1)
    _warm_up_librosa()
    os.makedirs(args.work_dir, exist_ok=True)
    meta_path = osp.join(args.data_root, 'meta.json')
    meta = None
    if osp.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
    if meta is None or meta['num_per_class'] != args.num_per_class \
            or meta['seed'] != args.data_seed \
            or meta.get('picture_audio', 'random_tone') != args.picture_audio:
        start = time.time()
        generate_audio_visual_dataset(
            args.data_root, num_per_class=args.num_per_class,
            seed=args.data_seed, picture_audio=args.picture_audio)
        print(f'generated {args.data_root} in {time.time() - start:.0f} s')
    start = time.time()
    per_seed = {}
    for seed in args.seeds:
        per_seed[seed] = run_seed(args, seed)
    if set(args.models) != set(MODELS):  # a partial run: metrics only
        print(json.dumps(per_seed, indent=1))
        print(f'total {time.time() - start:.0f} s (partial run, '
              'no claim check)')
        return
    summary, claims = summarise(per_seed)
    table = markdown(summary, claims, args, per_seed)
    with open(osp.join(args.work_dir, 'adamml_evidence.md'), 'w') as f:
        f.write(table + '\n')
    result = dict(args=vars(args), per_seed=per_seed, summary=summary,
                  claims=claims, seconds=time.time() - start)
    outputs = [(args.work_dir, 'results.json')]
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        outputs.append((args.out_dir, 'adamml_evidence.json'))
    for folder, name in outputs:
        with open(osp.join(folder, name), 'w') as f:
            json.dump(result, f, indent=2)
        plot(summary, per_seed, osp.join(folder, 'adamml_evidence.png'))
    print(table)
    print(f'total {time.time() - start:.0f} s; wrote results.json, '
          f'adamml_evidence.md, adamml_evidence.png in {args.work_dir}')


if __name__ == '__main__':
    main()
