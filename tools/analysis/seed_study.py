# Copyright (c) OpenMMLab. All rights reserved.
"""Train and test configs over several seeds; report top-1 mean and spread.

Usage (the command behind the README's seed-study table; writes
``docs/seed_study.{md,json,png}``, about 25 min on a 2-core CPU)::

    python tools/analysis/seed_study.py \
        --configs configs/demo/{tsn,tsm,tin,tdn}_r18_demo.py \
        --demo-data --data-root data/demo --out-dir docs

Options: those of :func:`mmtin.study.study_parser` (``--seeds``,
``--threads``, ``--work-dir``, ``--out-dir``, ``--data-root``,
``--resume``, ``--stop-on-error``, ``--cfg-options``), plus ``--configs``,
``--checkpoint last|best`` and ``--demo-data``.

Every config is a one-stage row of :mod:`mmtin.study`: trained (seeded,
``deterministic=True`` as ``tools/train.py --deterministic``) and tested
with MMEngine's Runner in this process, the work dir
``WORK_DIR/seed<S>/<config name>``. ``--checkpoint best`` keeps the
config's validation and tests the best checkpoint its ``CheckpointHook``
saved; ``last`` (default) trains without validation and tests the last.

``--data-root`` points every dataset path of the configs (``ann_file``,
``data_prefix``) from their ``data_root`` to the new root; without it the
configs' own data is used. ``--demo-data`` generates the demo dataset
(:func:`generate_demo_dataset`, default parameters) into ``--data-root``
(default ``data/demo``) if that is missing or empty, and refuses a folder
whose ``meta.json`` differs.

A failed run is reported with its config, seed and error; the study goes on
(``--stop-on-error`` stops at the first failure) and exits with status 1
if any run failed. Output: ``seed_study.md`` (per-seed top-1 in %, mean,
sample standard deviation, min-max), ``seed_study.json`` (its ``results``
are what ``tools/analysis/benchmark.py --accuracy-json`` reads) and
``seed_study.png``.
"""
import os.path as osp
import sys

from mmtin.study import (DataSpec, Stage, StudyReport, StudyRow,
                         StudyRunner, command_line, ensure_data,
                         markdown_table, setup_study, study_parser)


def config_name(path):
    return osp.splitext(osp.basename(path))[0]


def parse_args(argv=None):
    parser = study_parser(
        'Train/test configs over seeds; top-1 mean and spread',
        'work_dirs/seed_study')
    parser.add_argument('--configs', nargs='+', required=True)
    parser.add_argument(
        '--checkpoint', choices=['last', 'best'], default='last',
        help='which checkpoint of each run to test')
    parser.add_argument(
        '--demo-data', action='store_true',
        help='generate the demo dataset into --data-root (default '
        'data/demo) if missing; check its meta.json otherwise')
    args = parser.parse_args(argv)
    for path in args.configs:
        if not osp.isfile(path):
            parser.error(f'config file not found: {path}')
    names = [config_name(p) for p in args.configs]
    if len(set(names)) != len(names):
        parser.error(f'two configs share a file name: {names}')
    if args.demo_data and args.data_root is None:
        args.data_root = 'data/demo'
    return args


def build_rows(configs, checkpoint='last'):
    """One single-stage row per config, named after its file."""
    best = checkpoint == 'best'
    return [
        StudyRow(config_name(c), [Stage(config_name(c), c, validate=best,
                                        test_checkpoint=checkpoint)])
        for c in configs
    ]


def summarise(report, configs):
    """Per config: top-1 (%) per seed, failures, mean/std/min/max (the
    ``results`` of the JSON, as benchmark.py reads them)."""
    failed = {}
    for record in report.records:
        if 'error' in record:
            failed.setdefault(record['row'], {})[str(record['seed'])] = \
                record['error']
    out = {}
    for config in configs:
        name = config_name(config)
        stats = report.stats(name, 'top1', scale=100)
        out[name] = dict(
            config=config, seeds=report.seeds,
            top1={str(s): v for s, v in stats['per_seed'].items()},
            failed=failed.get(name, {}),
            **{k: stats[k] for k in ('mean', 'std', 'min', 'max')})
    return out


def markdown(results, seeds):
    rows = []
    for name, s in results.items():
        cells = [name] + [
            f'{s["top1"][str(seed)]:.2f}' if str(seed) in s['top1'] else
            'failed' for seed in seeds
        ]
        if s['mean'] is None:
            cells += ['-', '-', '-']
        else:
            cells += [f'{s["mean"]:.2f}', f'{s["std"]:.2f}',
                      f'{s["min"]:.2f}-{s["max"]:.2f}']
        rows.append(cells)
    return markdown_table(
        ['config'] + [f'seed {s}' for s in seeds] + ['mean', 'std',
                                                     'min-max'], rows)


def plot(report, path):
    """Mean ± std top-1 per config, every seed as a dot."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for i, name in enumerate(report.rows):
        stats = report.stats(name, 'top1', scale=100)
        if not stats['n']:
            continue
        ax.scatter([i] * stats['n'], list(stats['per_seed'].values()), s=10,
                   color='gray', alpha=0.6)
        ax.errorbar(i, stats['mean'], yerr=stats['std'], fmt='o', capsize=4)
    ax.set_xticks(range(len(report.rows)))
    ax.set_xticklabels(report.rows, rotation=20, fontsize=8)
    ax.set_ylabel('test top-1 (%)')
    ax.set_title(f'{len(report.seeds)} seeds, mean ± std')
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    out_dir = setup_study(args)
    command = command_line('tools/analysis/seed_study.py', argv)
    if args.demo_data:
        from mmtin.datasets.synthetic import generate_demo_dataset
        ensure_data(args.data_root, DataSpec(generate_demo_dataset, {}),
                    args.regenerate_data)
    rows = build_rows(args.configs, args.checkpoint)
    data_roots = {'': args.data_root} if args.data_root else None
    runner = StudyRunner(rows, args.seeds, args.work_dir, data_roots,
                         resume=args.resume, deterministic=True,
                         cfg_options=args.cfg_options,
                         stop_on_error=args.stop_on_error)
    records = []
    try:
        runner.run(on_record=records.append)
    except Exception as exc:  # --stop-on-error: report what ran
        if not args.stop_on_error:
            raise
        done = {(r['row'], r['seed']) for r in records}
        row, seed = next((r.name, s) for s in args.seeds for r in rows
                         if (r.name, s) not in done)
        records.append(dict(row=row, variant='', seed=seed,
                            error=f'{row} seed {seed}: {exc}'))
        print(f'[study] FAILED {row} seed {seed}: {exc}', flush=True)
    report = StudyReport(records, rows, args.seeds)
    results = summarise(report, args.configs)
    table = markdown(results, args.seeds)
    text = ('top-1 (%) on the test split, per seed; std = sample standard '
            f'deviation\n\n{table}\n\nReproduce: `{command}`')
    paths = report.write(out_dir, 'seed_study', text,
                         plot=lambda p: plot(report, p),
                         scales={'top1': 100}, command=command,
                         metric='acc/top1', unit='%',
                         std='sample standard deviation (n-1)',
                         results=results)
    print('\n' + text)
    print('\nwrote ' + ', '.join(paths))
    return 1 if report.failures() else 0


if __name__ == '__main__':
    sys.exit(main())
