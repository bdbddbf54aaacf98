# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML evidence: accuracy vs compute on the audio-visual demo data.

Usage (the command behind the README table; writes
``docs/adamml_evidence.{md,json,png}``, about 19 min on one core of a
2-core CPU)::

    python tools/analysis/adamml_evidence.py --out-dir docs

Options: those of :func:`mmtin.study.study_parser` (``--seeds``,
``--threads``, ``--work-dir``, ``--out-dir``, ``--data-root``,
``--resume``, ...), plus ``--epochs W J F``, ``--num-per-class``,
``--data-seed``, ``--picture-audio``, ``--eval-split``, ``--models`` and
``--variants`` (the audio-visual data variants, e.g. the held-out
``sweep_shape rhythm_pattern bursts_shape``: data in ``--data-root`` +
``_VARIANT``, work dirs ``WORK_DIR/VARIANT/seedS/``, tables and claims per
variant, claim names prefixed ``VARIANT/``; held-out variants are tested on
their test split only).

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

``--eval-split val --models adamml`` trains and evaluates AdaMML alone on the
validation split (metrics only, no claim check): the way the demo
settings were chosen, without looking at the test split. With one named
``--variants V`` it uses V's val split (V is then a development variant);
a study of several variants is held-out and refuses it.
"""
import os.path as osp

from mmtin.datasets.synthetic.audio_visual import VARIANTS
from mmtin.study import (ClaimCheck, DataSpec, Stage, StudyReport, StudyRow,
                         StudyRunner, command_line, ensure_data,
                         eval_split_options, markdown_table, mean_std,
                         report_stem, setup_study, study_parser,
                         variant_roots)

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
                          data_root='data/audio_visual',
                          variants=list(VARIANTS), eval_split=True)
    parser.add_argument('--num-per-class', type=int, default=200)
    parser.add_argument(
        '--epochs', nargs=3, type=int, default=[2, 4, 1],
        metavar=('WARMUP', 'JOINT', 'FINETUNE'))
    parser.add_argument('--data-seed', type=int, default=0)
    parser.add_argument(
        '--picture-audio', default='random_tone',
        choices=('random_tone', 'noise'),
        help='sound of the picture-decided classes (see the generator)')
    parser.add_argument(
        '--models', nargs='+', default=list(MODELS), choices=MODELS,
        help='models to train (the claim needs all three)')
    args = parser.parse_args(argv)
    try:
        eval_split_options(args)
    except ValueError as e:
        parser.error(str(e))
    return args


def data_spec(args, variant='dev'):
    """The data of ``args``; a held-out ``variant`` is named (and so checked
    against ``meta.json``)."""
    from mmtin.datasets.synthetic.audio_visual import \
        generate_audio_visual_dataset
    params = dict(num_per_class=args.num_per_class, seed=args.data_seed,
                  picture_audio=args.picture_audio)
    if variant != 'dev':
        params['variant'] = variant
    return DataSpec(generate_audio_visual_dataset, params)


def build_rows(args):
    """The rows of ``--models``; the tested split is ``--eval-split`` (with
    named variants: the test split of each variant's data)."""
    options = (('default_hooks.logger.interval', 50), ) + tuple(
        eval_split_options(args).items())

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


def _mean(report, row, key, variant=''):
    return report.stats(row, key, variant)['mean']


def claims(report, variant=''):
    """AdaMML vs all modalities: top-1, compute, where audio is used, on
    one data variant (claim names start with ``VARIANT/`` when it is
    named)."""
    from mmtin.datasets.synthetic.audio_visual import CLASSES, SOUND_CLASSES
    gap = 100 * (_mean(report, 'all_modalities', 'top1', variant) -
                 _mean(report, 'adamml', 'top1', variant))
    saving = 1 - (_mean(report, 'adamml', 'gflops', variant) /
                  _mean(report, 'all_modalities', 'gflops', variant))
    audio = [_mean(report, 'adamml', f'usage/audio/class_{k}', variant)
             for k in range(len(CLASSES))]
    share = sum(audio[k] for k in SOUND_CLASSES) / max(sum(audio), 1e-12)
    tag = f'{variant}/' if variant else ''
    return [
        ClaimCheck(f'{tag}within_1_point', gap <= 1.0 + 1e-9,
                   dict(top1_gap_points=gap),
                   'all-modalities top-1 - AdaMML top-1 <= 1 point'),
        ClaimCheck(f'{tag}saves_35_percent', saving >= 0.35,
                   dict(compute_saving=saving),
                   'AdaMML GFLOPs <= 0.65 x all modalities'),
        ClaimCheck(f'{tag}audio_mostly_on_sound_classes', share > 0.5,
                   dict(audio_share_on_sound_classes=share),
                   'share of audio use on sound-decided classes > 50 %'),
    ]


def markdown(report, args, variant=''):
    """The tables of one data variant (its own class names)."""
    from mmtin.datasets.synthetic.audio_visual import (SOUND_CLASSES,
                                                       VARIANTS, class_names)
    lines = [
        f'Seeds {" ".join(map(str, args.seeds))}; {args.num_per_class} '
        'videos per class (50/10/40 % train/val/test); AdaMML epochs '
        f'warm-up/joint/fine-tune = {"/".join(map(str, args.epochs))}, '
        f'baselines {sum(args.epochs)} epochs; sound of the picture '
        f'classes: {args.picture_audio}; tested on {args.eval_split}. '
        'Mean ± sd over seeds.', ''
    ]
    base = _mean(report, 'all_modalities', 'gflops', variant) \
        if 'all_modalities' in report.rows else None
    rows = []
    for model in report.rows:
        if not report.stats(model, 'top1', variant)['n']:
            rows.append([LABELS[model], 'failed'] + ['-'] * 6)
            continue
        usage = []
        for m in MODALITIES:
            try:
                share = _mean(report, model, f'usage/{m}', variant)
                usage.append(f'{100 * share:.0f} %')
            except KeyError:
                usage.append('-')
        gflops = _mean(report, model, 'gflops', variant)
        rows.append([
            LABELS[model],
            mean_std(report.stats(model, 'top1', variant, 100)),
            f'{gflops:.4f}', f'{100 * gflops / base:.0f} %' if base else '-',
            report.cell(model, 'latency_ms', variant)
        ] + usage)
    lines.append(markdown_table(
        ['model', 'top-1 (%)', 'GFLOPs / video', 'compute vs all',
         'ms / video (study process)', 'usage rgb', 'usage audio',
         'usage motion'], rows))
    per_seed = [[LABELS[model]] + [
        f'{100 * t:.1f} / {g:.4f}' for t, g in zip(
            report.per_seed(model, 'top1', variant).values(),
            report.per_seed(model, 'gflops', variant).values())
    ] for model in report.rows]
    lines += ['', 'Per seed: top-1 (%) / GFLOPs per video:', '',
              markdown_table(['model'] + [f'seed {s}' for s in args.seeds],
                             per_seed)]
    if 'adamml' in report.rows and report.stats('adamml', 'top1',
                                                variant)['n']:

        def used(m, k):
            share = _mean(report, 'adamml', f'usage/{m}/class_{k}', variant)
            return f'{100 * share:.0f} %'

        usage = [[f'{k} {name}',
                  'sound' if k in SOUND_CLASSES else 'picture'] +
                 [used(m, k) for m in MODALITIES]
                 for k, name in enumerate(
                     class_names(**VARIANTS[variant or 'dev']))]
        lines += ['', 'AdaMML usage by class (fraction of segments, mean '
                  'over seeds):', '',
                  markdown_table(['class', 'decided by'] + list(MODALITIES),
                                 usage)]
    return '\n'.join(lines)


def usage_panel(report, variant=''):
    """Draws AdaMML's usage by class on an axis (the plot's right panel)."""
    from mmtin.datasets.synthetic.audio_visual import CLASSES

    def draw(ax):
        width = 0.25
        for i, m in enumerate(MODALITIES):
            vals = [100 * _mean(report, 'adamml', f'usage/{m}/'
                                f'class_{k}', variant)
                    for k in range(len(CLASSES))]
            ax.bar([k + (i - 1) * width for k in range(len(CLASSES))], vals,
                   width, label=m)
        ax.set_xticks(range(len(CLASSES)))
        ax.set_xticklabels([c.replace('_', '\n') for c in CLASSES],
                           fontsize=7)
        ax.set_ylabel('segments using the modality (%)')
        ax.set_title(f'AdaMML usage by class {variant}'.strip())
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
    roots = variant_roots(args.data_root, args.variants)
    for variant, root in roots.items():
        ensure_data(root, data_spec(args, variant or 'dev'),
                    args.regenerate_data)
    rows = build_rows(args)
    records = StudyRunner(rows, args.seeds, args.work_dir, roots,
                          resume=args.resume, cfg_options=args.cfg_options,
                          stop_on_error=args.stop_on_error).run()
    report = StudyReport(records, rows, args.seeds)
    full = set(args.models) == set(MODELS) and args.eval_split == 'test'
    checks, parts = [], []
    for variant in roots:
        if full and report.complete(variant):
            checks += claims(report, variant)
        title = f'**Variant `{variant}`**\n\n' if variant else ''
        parts.append(title + markdown(report, args, variant))

    def plot(path):
        report.plot_tradeoff(
            path, 'gflops', 'top1', 'GFLOPs / video', 'top-1 (%)',
            f'accuracy vs compute ({len(args.seeds)} seeds, big = mean)',
            scales={'top1': 100}, extra_panel=usage_panel(report))

    table = '\n\n'.join(parts) + f'\n\nReproduce: `{command}`'
    stem = report_stem('adamml', args.variants)
    paths = report.write(out_dir, stem, table, checks,
                         plot=plot if checks and list(roots) == [''] else None,
                         scales={'top1': 100}, command=command,
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
