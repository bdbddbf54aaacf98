# Copyright (c) OpenMMLab. All rights reserved.
"""AdaFocus evidence: accuracy and GFLOPs/video against the plain model and
the random-patch control, same data, same budget, several seeds.

Usage (the command behind the README table; writes
``docs/adafocus_evidence.{md,json,png}``, about 33 min on a 2-core CPU)::

    python tools/analysis/adafocus_evidence.py --out-dir docs --threads 2

Options: those of :func:`mmtin.study.study_parser` (``--seeds``,
``--threads``, ``--work-dir``, ``--out-dir``, ``--data-root``,
``--resume``, ...), plus ``--epochs E0 E1 E2 E3`` and ``--splits``.

Rows (:mod:`mmtin.study`, configs in ``configs/adafocus/``, trained from
scratch with MMEngine's Runner; every row trains ``E0 + E1 + E2 + E3``
epochs in all):

* (a) AdaFocus V1 (the paper's four stages): stage 0
  ``adafocus_demo_stage0_focuser.py`` (the focuser backbone on whole frames)
  for ``E0``, stage 1 ``adafocus_demo_stage1_random.py`` (random patches,
  focuser from stage 0) for ``E1``, stage 2
  ``adafocus_v1_demo_stage2_ppo.py`` (PPO, policy only) for ``E2``, stage 3
  ``adafocus_v1_demo_stage3_finetune.py`` for ``E3``;
* (a2) AdaFocusV2: the same stages 0 and 1, then
  ``adafocus_v2_demo_stage2_joint.py`` (differentiable crop, everything
  learns) for ``E2 + E3``;
* (b) plain: ``plain_r18_fullframe_demo.py`` (the same focuser backbone on
  the full frame) for all epochs;
* (c) control: stage 0, then ``adafocus_demo_stage1_random.py`` (random
  patches, the method's idea removed) for ``E1 + E2 + E3``.

Stage 0 is trained once per seed and shared by (a), (a2) and (c); stage 1
is shared by (a) and (a2).

Top-1 comes from the test loop (``AccMetric``); GFLOPs/video of (a), (a2)
and (c) from ``AdaFocusFLOPsMetric`` (glancer + focuser + policy + crop +
classifier per frame, times frames used), of (b) counted by the study core
on one test video; both count one multiply-add as one FLOP with
:mod:`mmengine.analysis`. The data set (``--data-root``) is generated with
:func:`generate_small_object_dataset` (``--splits`` videos) if missing or
empty, and refused if its ``meta.json`` holds other parameters.

Policy diagnostics (:mod:`mmtin.analysis.adafocus_policy`, after the
study, per variant): the share of test frames whose chosen patch holds the
whole target and the share of the target's area covered, for (a) and (a2)
against random patches and the best fixed position; the spread of the
chosen patches and a *policy collapsed* flag per seed, and the classes a
policy is blind to (no better than random patches on their frames; both
also printed as warnings); a picture of the chosen patches on a few test videos
(``STEM_patches[_VARIANT].png``) and the training curves of every stage
(``STEM_curves[_VARIANT].png``). ``--skip-diagnostics`` leaves them out;
``--diagnostics-only`` trains nothing and diagnoses the finished stages
found in ``--work-dir`` (written as ``adafocus_policy.{md,json}``).
"""
import os.path as osp

from mmtin.datasets.synthetic.small_object import VARIANTS
from mmtin.study import (COUNTED, ClaimCheck, DataSpec, Stage, StudyReport,
                         StudyRow, StudyRunner, command_line, ensure_data,
                         markdown_table, mean_std, report_stem, setup_study,
                         study_parser, variant_roots)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG_DIR = osp.join(REPO_ROOT, 'configs', 'adafocus')
ROWS = (('a', 'AdaFocus V1, PPO policy (patch P)'),
        ('a2', 'AdaFocusV2, differentiable crop (patch P)'),
        ('b', 'plain: same focuser, full frame'),
        ('c', 'control: random patches'))
FOCUSER_INIT = 'model.focuser.init_cfg.checkpoint'
METRICS = {'top1': 'acc/top1', 'gflops': 'gflops'}


def parse_args(argv=None):
    parser = study_parser('AdaFocus evidence study',
                          'work_dirs/adafocus_evidence',
                          data_root='data/small_object',
                          variants=list(VARIANTS))
    parser.add_argument(
        '--epochs', nargs=4, type=int, default=[2, 3, 8, 3],
        metavar=('E0', 'E1', 'E2', 'E3'),
        help='AdaFocus stage 0 / 1 / 2 / 3 epochs; every row trains their '
        'sum')
    parser.add_argument(
        '--splits', nargs=3, type=int, default=[800, 100, 600],
        metavar=('TRAIN', 'VAL', 'TEST'),
        help='videos per split of the generated data (a large test split: '
        'one clip is 1/600 of top-1)')
    parser.add_argument('--skip-diagnostics', action='store_true',
                        help='no policy diagnostics after the study')
    parser.add_argument('--diagnostics-only', action='store_true',
                        help='train nothing: diagnose the finished stages '
                        'in --work-dir')
    return parser.parse_args(argv)


def data_spec(args, variant='dev'):
    from mmtin.datasets.synthetic.small_object import \
        generate_small_object_dataset
    total = sum(args.splits)
    return DataSpec(generate_small_object_dataset,
                    dict(num_videos=total, val_ratio=args.splits[1] / total,
                         test_ratio=args.splits[2] / total, variant=variant))


def build_rows(epochs):
    """The four rows; stage 0 and stage 1 are shared."""
    e0, e1, e2, e3 = epochs

    def cfg(name):
        return osp.join(CFG_DIR, name)

    stage0 = Stage('stage0', cfg('adafocus_demo_stage0_focuser.py'), e0)
    stage1 = Stage('stage1', cfg('adafocus_demo_stage1_random.py'), e1,
                   init_from='stage0', init_key=FOCUSER_INIT)
    chains = dict(
        a=[stage0, stage1,
           Stage('a_stage2_ppo', cfg('adafocus_v1_demo_stage2_ppo.py'), e2,
                 init_from='stage1'),
           Stage('a_stage3', cfg('adafocus_v1_demo_stage3_finetune.py'), e3,
                 init_from='a_stage2_ppo')],
        a2=[stage0, stage1,
            Stage('a2_stage2_v2', cfg('adafocus_v2_demo_stage2_joint.py'),
                  e2 + e3, init_from='stage1')],
        b=[Stage('b_plain', cfg('plain_r18_fullframe_demo.py'),
                 e0 + e1 + e2 + e3)],
        c=[stage0,
           Stage('c_random', cfg('adafocus_demo_stage1_random.py'),
                 e1 + e2 + e3, init_from='stage0', init_key=FOCUSER_INIT)])
    return [
        StudyRow(key, chains[key], label,
                 dict(METRICS, gflops=COUNTED) if key == 'b' else METRICS)
        for key, label in ROWS
    ]


def claims(report, variant=''):
    """(a) and (a2) against the plain model (b) and the control (c), on one
    data variant (claim names start with ``VARIANT/`` when it is named)."""
    top1 = {k: report.stats(k, 'top1', variant, scale=100) for k, _ in ROWS}
    gflops = {k: report.stats(k, 'gflops', variant)['mean'] for k, _ in ROWS}
    tag = f'{variant}/' if variant else ''
    b, c = top1['b'], top1['c']
    checks = []
    for key in ('a', 'a2'):
        a = top1[key]
        checks += [
            ClaimCheck(f'{tag}{key}_within_2_points_of_b',
                       a['mean'] >= b['mean'] - 2,
                       {key: a['mean'], 'b': b['mean']},
                       f'({key}) top-1 >= (b) - 2'),
            ClaimCheck(f'{tag}{key}_flops_at_most_half_of_b',
                       gflops[key] <= 0.5 * gflops['b'],
                       {key: gflops[key], 'b': gflops['b']},
                       f'({key}) GFLOPs <= 0.5 x (b)'),
            ClaimCheck(f'{tag}{key}_clearly_above_c',
                       a['mean'] - c['mean'] >= 5
                       and a['mean'] - a['std'] > c['mean'] + c['std'],
                       {key: a['mean'], f'{key}_std': a['std'],
                        'c': c['mean'], 'c_std': c['std']},
                       f'({key}) - (c) >= 5 points and mean - std of ({key})'
                       ' > mean + std of (c)'),
        ]
    return checks


def markdown(report, variant=''):
    b_flops = report.stats('b', 'gflops', variant)['mean']
    rows = []
    for key, label in ROWS:
        top1 = report.stats(key, 'top1', variant, scale=100)
        if not top1['n']:
            rows.append([f'({key}) {label}', 'failed', '-', '-', '-', '-'])
            continue
        gflops = report.stats(key, 'gflops', variant)['mean']
        rows.append([
            f'({key}) {label}', mean_std(top1),
            ' / '.join(f'{v:.1f}' for v in top1['per_seed'].values()),
            f'{gflops:.4f}',
            f'{100 * gflops / b_flops:.0f}%' if b_flops else '-',
            report.cell(key, 'latency_ms', variant)
        ])
    return markdown_table(['model', 'top-1 % (mean ± std)', 'per seed',
                           'GFLOPs / video', 'FLOPs vs plain',
                           'ms / video (study process)'], rows)


def diagnostics_only(args, roots, out_dir, command):
    """The policy diagnostics of the finished stages in ``--work-dir``;
    writes ``adafocus_policy.{md,json}`` (and the pictures)."""
    import json
    import os

    from mmtin.analysis.adafocus_policy_report import study_diagnostics
    diag = study_diagnostics(args.work_dir, roots, args.seeds, out_dir,
                             stem='adafocus_policy')
    text = '\n\n'.join((f'**Variant `{v}`**\n\n' if v else '') + md
                        for v, md in diag['markdown'].items())
    text = f'# AdaFocus policy diagnostics\n\n{text}\n\nCommand: ' \
        f'`{command}`\n'
    os.makedirs(out_dir, exist_ok=True)
    base = osp.join(out_dir, 'adafocus_policy')
    with open(base + '.md', 'w') as f:
        f.write(text)
    with open(base + '.json', 'w') as f:
        json.dump(dict(command=command, collapsed=diag['collapsed'],
                       blind=diag['blind'], diagnostics=diag['numbers']),
                  f, indent=2)
    print(text)
    print('wrote ' + ', '.join([base + '.md', base + '.json'] +
                               diag['paths']))
    return diag


def main(argv=None):
    args = parse_args(argv)
    out_dir = setup_study(args)
    command = command_line('tools/analysis/adafocus_evidence.py', argv)
    roots = variant_roots(args.data_root, args.variants)
    if args.diagnostics_only:
        return diagnostics_only(args, roots, out_dir, command)
    for variant, root in roots.items():
        ensure_data(root, data_spec(args, variant or 'dev'),
                    args.regenerate_data)
    rows = build_rows(args.epochs)
    records = StudyRunner(rows, args.seeds, args.work_dir, roots,
                          resume=args.resume, cfg_options=args.cfg_options,
                          stop_on_error=args.stop_on_error).run()
    report = StudyReport(records, rows, args.seeds)
    stem = report_stem('adafocus', args.variants)
    diag = dict(markdown={}, numbers={}, collapsed=[], blind=[])
    if not args.skip_diagnostics:
        from mmtin.analysis.adafocus_policy_report import study_diagnostics
        diag = study_diagnostics(args.work_dir, roots, args.seeds, out_dir,
                                 stem=stem)
    checks, parts = [], []
    for variant in roots:
        if report.complete(variant):
            checks += claims(report, variant)
        title = f'**Variant `{variant}`**\n\n' if variant else ''
        parts.append(title + markdown(report, variant))
        if variant in diag['markdown']:
            parts.append('Policy diagnostics:\n\n' +
                         diag['markdown'][variant])
    table = ('\n\n'.join(parts) + f'\n\nSeeds {args.seeds}; epochs E0-E3 '
             f'= {args.epochs} ({sum(args.epochs)} per row).\n\n'
             f'Reproduce: `{command}`')

    def plot(path):
        report.plot_tradeoff(path, 'gflops', 'top1', 'GFLOPs / video (log)',
                             'top-1 (%)', 'Small-object data: accuracy vs '
                             'compute', scales={'top1': 100}, logx=True)

    single = list(roots) == ['']
    paths = report.write(out_dir, stem, table, checks,
                         plot=plot if checks and single else None,
                         scales={'top1': 100}, command=command,
                         args=vars(args), diagnostics=diag['numbers'],
                         collapsed=diag['collapsed'], blind=diag['blind'])
    print(table)
    for check in checks:
        print(check)
    print('wrote ' + ', '.join(paths))
    return report, checks


if __name__ == '__main__':
    main()
