# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML evidence: accuracy vs compute on the audio-visual demo data.

Usage (the command behind the README table; writes
``docs/adamml_evidence.{md,json,png}``, about 9 min on a 2-core CPU)::

    python tools/analysis/adamml_evidence.py --out-dir docs

Options: those of :func:`mmtin.study.study_parser` (``--seeds``,
``--threads``, ``--work-dir``, ``--out-dir``, ``--data-root``,
``--resume``, ...), plus ``--epochs W J F``, ``--num-per-class``,
``--data-seed``, ``--picture-audio``, ``--split`` and ``--models``.

Rows (:mod:`mmtin.study`, configs in ``configs/adamml/``):

* AdaMML: ``adamml_demo_warmup`` -> ``adamml_demo_joint`` ->
  ``adamml_demo_finetune`` (``--epochs`` W J F; each stage loads the
  previous stage's last checkpoint), then tested;
* the all-modalities control (``adamml_demo_all_modalities``: the same main
  network, every modality in every segment, no policy) and the plain
  RGB-only model (``adamml_demo_rgb_only``), each trained W + J + F epochs
  (the same budget), then tested.

The data (``generate_audio_visual_dataset`` with ``--num-per-class``,
``--data-seed``, ``--picture-audio``) is generated into ``--data-root`` if
that is missing or empty, and refused (naming the differing keys) if its
``meta.json`` holds other parameters. The test loop's ``AdaMMLMetric``
gives top-1, GFLOPs per video (policy + the sub-networks actually run,
``mmengine.analysis`` counts) and the fraction of segments using each
modality, per class. The claim checked: AdaMML within 1 point of the
all-modalities top-1 (mean over seeds) at >= 35 % less compute, and its
audio use falls mostly on the classes the sound decides.

``--split val --models adamml`` trains and evaluates AdaMML alone on the
validation split (metrics only, no claim check): the way the demo
settings were chosen, without looking at the test split.
"""
import os.path as osp

from mmtin.study import (ClaimCheck, DataSpec, Stage, StudyReport, StudyRow,
                         StudyRunner, command_line, ensure_data,
                         markdown_table, mean_std, setup_study, study_parser)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'adamml')
MODELS = ('adamml', 'all_modalities', 'rgb_only')
LABELS = dict(adamml='AdaMML (policy)',
              all_modalities='All modalities (no policy)',
              rgb_only='RGB only (plain)')
MODALITIES = ('rgb', 'audio', 'motion')
METRICS = {'top1': 'acc/top1', 'gflops': 'gflops'}


def parse_args(argv=None):
    parser = study_parser(__doc__.split('\n')[0], 'work_dirs/adamml_evidence',
                          data_root='data/audio_visual')
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
        '--models', nargs='+', default=list(MODELS), choices=MODELS,
        help='models to train (the claim needs all three)')
    return parser.parse_args(argv)


def data_spec(args):
    from mmtin.datasets.synthetic.audio_visual import \
        generate_audio_visual_dataset
    return DataSpec(generate_audio_visual_dataset,
                    dict(num_per_class=args.num_per_class,
                         seed=args.data_seed,
                         picture_audio=args.picture_audio))


def build_rows(args):
    """The rows of ``--models``; the tested split is ``--split``."""
    options = (('default_hooks.logger.interval', 50),
               ('test_dataloader.dataset.ann_file',
                osp.join(args.data_root, f'{args.split}.txt')))

    def stage(name, epochs, init_from=None):
        return Stage(name, osp.join(CONFIG_DIR, f'adamml_demo_{name}.py'),
                     epochs, init_from=init_from, cfg_options=options)

    warm, joint, fine = args.epochs
    chains = dict(
        adamml=[stage('warmup', warm), stage('joint', joint, 'warmup'),
                stage('finetune', fine, 'joint')],
        all_modalities=[stage('all_modalities', sum(args.epochs))],
        rgb_only=[stage('rgb_only', sum(args.epochs))])
    return [StudyRow(m, chains[m], LABELS[m], METRICS) for m in args.models]


def _mean(report, row, key):
    return report.stats(row, key)['mean']


def claims(report):
    """AdaMML vs all modalities: top-1, compute, where audio is used."""
    from mmtin.datasets.synthetic.audio_visual import CLASSES, SOUND_CLASSES
    gap = 100 * (_mean(report, 'all_modalities', 'top1') -
                 _mean(report, 'adamml', 'top1'))
    saving = 1 - (_mean(report, 'adamml', 'gflops') /
                  _mean(report, 'all_modalities', 'gflops'))
    audio = [_mean(report, 'adamml', f'usage/audio/class_{k}')
             for k in range(len(CLASSES))]
    share = sum(audio[k] for k in SOUND_CLASSES) / max(sum(audio), 1e-12)
    return [
        ClaimCheck('within_1_point', gap <= 1.0 + 1e-9,
                   dict(top1_gap_points=gap),
                   'all-modalities top-1 - AdaMML top-1 <= 1 point'),
        ClaimCheck('saves_35_percent', saving >= 0.35,
                   dict(compute_saving=saving),
                   'AdaMML GFLOPs <= 0.65 x all modalities'),
        ClaimCheck('audio_mostly_on_sound_classes', share > 0.5,
                   dict(audio_share_on_sound_classes=share),
                   'share of audio use on sound-decided classes > 50 %'),
    ]


def markdown(report, args):
    from mmtin.datasets.synthetic.audio_visual import CLASSES, SOUND_CLASSES
    lines = [
        f'Seeds {" ".join(map(str, args.seeds))}; {args.num_per_class} '
        'videos per class (50/10/40 % train/val/test); AdaMML epochs '
        f'warm-up/joint/fine-tune = {"/".join(map(str, args.epochs))}, '
        f'baselines {sum(args.epochs)} epochs; sound of the picture '
        f'classes: {args.picture_audio}; tested on {args.split}. Mean ± sd '
        'over seeds.', ''
    ]
    base = _mean(report, 'all_modalities', 'gflops') \
        if 'all_modalities' in report.rows else None
    rows = []
    for model in report.rows:
        if not report.stats(model, 'top1')['n']:
            rows.append([LABELS[model], 'failed'] + ['-'] * 5)
            continue
        usage = []
        for m in MODALITIES:
            try:
                usage.append(
                    f'{100 * _mean(report, model, f"usage/{m}"):.0f}'
                    ' %')
            except KeyError:
                usage.append('-')
        gflops = _mean(report, model, 'gflops')
        rows.append([
            LABELS[model], mean_std(report.stats(model, 'top1', scale=100)),
            f'{gflops:.4f}', f'{100 * gflops / base:.0f} %' if base else '-'
        ] + usage)
    lines.append(markdown_table(
        ['model', 'top-1 (%)', 'GFLOPs / video', 'compute vs all',
         'usage rgb', 'usage audio', 'usage motion'], rows))
    per_seed = [[LABELS[model]] + [
        f'{100 * t:.1f} / {g:.4f}' for t, g in zip(
            report.per_seed(model, 'top1').values(),
            report.per_seed(model, 'gflops').values())
    ] for model in report.rows]
    lines += ['', 'Per seed: top-1 (%) / GFLOPs per video:', '',
              markdown_table(['model'] + [f'seed {s}' for s in args.seeds],
                             per_seed)]
    if 'adamml' in report.rows and report.stats('adamml', 'top1')['n']:
        usage = [[f'{k} {name}',
                  'sound' if k in SOUND_CLASSES else 'picture'] + [
            f'{100 * _mean(report, "adamml", f"usage/{m}/class_{k}"):.0f} %'  # noqa: E501
            for m in MODALITIES] for k, name in enumerate(CLASSES)]
        lines += ['', 'AdaMML usage by class (fraction of segments, mean '
                  'over seeds):', '',
                  markdown_table(['class', 'decided by'] + list(MODALITIES),
                                 usage)]
    return '\n'.join(lines)


def usage_panel(report):
    """Draws AdaMML's usage by class on an axis (the plot's right panel)."""
    from mmtin.datasets.synthetic.audio_visual import CLASSES

    def draw(ax):
        width = 0.25
        for i, m in enumerate(MODALITIES):
            vals = [100 * _mean(report, 'adamml', f'usage/{m}/'
                                f'class_{k}') for k in range(len(CLASSES))]
            ax.bar([k + (i - 1) * width for k in range(len(CLASSES))], vals,
                   width, label=m)
        ax.set_xticks(range(len(CLASSES)))
        ax.set_xticklabels([c.replace('_', '\n') for c in CLASSES],
                           fontsize=7)
        ax.set_ylabel('segments using the modality (%)')
        ax.set_title('AdaMML usage by class')
        ax.legend(fontsize=8)
    return draw


def _warm_up_librosa():
    """Pay librosa's first-call cost (lazy imports, numba) once, before
    the dataloader workers fork."""
    import librosa
    import numpy as np
    librosa.feature.melspectrogram(
        y=np.zeros(4000, np.float32), sr=8000, n_fft=256, n_mels=16)


def main(argv=None):
    args = parse_args(argv)
    out_dir = setup_study(args)
    command = command_line('tools/analysis/adamml_evidence.py', argv)
    _warm_up_librosa()
    ensure_data(args.data_root, data_spec(args), args.regenerate_data)
    rows = build_rows(args)
    records = StudyRunner(rows, args.seeds, args.work_dir,
                          {'': args.data_root}, resume=args.resume,
                          cfg_options=args.cfg_options,
                          stop_on_error=args.stop_on_error).run()
    report = StudyReport(records, rows, args.seeds)
    full = set(args.models) == set(MODELS) and args.split == 'test'
    checks = claims(report) if full and report.complete() else []
    plot = None
    if checks:
        def plot(path):
            report.plot_tradeoff(
                path, 'gflops', 'top1', 'GFLOPs / video', 'top-1 (%)',
                f'accuracy vs compute ({len(args.seeds)} seeds, big = '
                'mean)', scales={'top1': 100},
                extra_panel=usage_panel(report))
    table = markdown(report, args) + f'\n\nReproduce: `{command}`'
    paths = report.write(out_dir, 'adamml_evidence', table, checks,
                         plot=plot, scales={'top1': 100}, command=command,
                         args=vars(args))
    print(table)
    for check in checks:
        print(check)
    if not checks:
        print('(a partial run or the val split: no claim check)')
    print('wrote ' + ', '.join(paths))
    return report, checks


if __name__ == '__main__':
    main()
