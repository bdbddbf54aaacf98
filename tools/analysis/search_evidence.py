# Copyright (c) OpenMMLab. All rights reserved.
"""Evidence for ``tools/search.py`` on the demo dataset (docs/search.md).

Usage (the command behind the README's search table; writes
``docs/search_evidence.{md,json}``; the search takes about 16 min on a
2-core CPU, the hand-set TIN config 2-3 more)::

    python tools/analysis/search_evidence.py --out-dir docs

Options: those of :func:`mmtin.study.study_parser` (``--seeds`` of the
hand-set TIN row, default 0; ``--threads``, ``--work-dir``, ``--out-dir``,
``--data-root``, ``--resume``, ...), plus ``--search-config``,
``--workers``, ``--n-trials`` and ``--tin-top1``.

1. The demo data (:func:`generate_demo_dataset`, default parameters) is
   generated into ``--data-root`` if missing or empty, and refused if its
   ``meta.json`` differs (the search config's trials read ``data/demo``).
2. ``tools/search.py SEARCH_CONFIG --workers K --work-dir WORK_DIR/search``
   runs the search (its own worker processes and Optuna storage; with
   ``--resume`` a killed search continues).
3. Rows of :mod:`mmtin.study`, tested on the test split: the best trial
   (its exported ``best_config.py`` and checkpoint) and trial 0 (the
   hand-set TIN recipe at the search budget, enqueued first), both
   test-only; and the hand-set TIN demo config trained at its own 8
   epochs (``--tin-top1 X`` reports X instead, e.g. the seed-0 number of
   the README seed study).
"""
import json
import os.path as osp
import subprocess
import sys
import time

from mmtin.study import (DataSpec, Stage, StudyError, StudyReport, StudyRow,
                         StudyRunner, command_line, ensure_data,
                         markdown_table, mean_std, setup_study, study_parser)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SEARCH_CONFIG = osp.join(REPO_ROOT, 'configs', 'search', 'search_demo.py')
TIN_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'tin_r18_demo.py')
DEMO_ROOT = 'data/demo'


def parse_args(argv=None):
    parser = study_parser('Search evidence on the demo data',
                          'work_dirs/search_evidence', data_root=DEMO_ROOT,
                          seeds=(0, ))
    parser.add_argument('--search-config', default=SEARCH_CONFIG)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--n-trials', type=int, default=None,
                        help='trials (default: the search config\'s)')
    parser.add_argument(
        '--tin-top1', type=float, default=None,
        help='test top-1 (fraction) of the hand-set TIN demo config to '
        'report instead of training it')
    args = parser.parse_args(argv)
    if osp.normpath(args.data_root) != DEMO_ROOT:
        parser.error(f'--data-root: the search config\'s trials read '
                     f'{DEMO_ROOT}; other roots are not supported')
    return args


def run_search(args, search_dir):
    """``tools/search.py`` in a subprocess (it starts its own workers)."""
    results = osp.join(search_dir, 'results.json')
    if osp.isfile(results) and not args.resume:
        raise StudyError(f'{results} exists (a finished search): pass '
                         '--resume to reuse it, or choose another '
                         '--work-dir')
    cmd = [sys.executable, osp.join(REPO_ROOT, 'tools', 'search.py'),
           args.search_config, '--workers', str(args.workers),
           '--work-dir', search_dir, '--no-progress']
    if args.n_trials:
        cmd += ['--n-trials', str(args.n_trials)]
    start = time.time()
    code = subprocess.call(cmd)
    if code:
        raise StudyError(f'tools/search.py exited with status {code}; see '
                         f'{search_dir}/worker_*.log')
    with open(results) as f:
        return json.load(f), time.time() - start


def test_rows(search, search_dir):
    """The best trial and trial 0, test-only."""
    trial0 = search['trials'][0]['user_attrs']
    return [
        StudyRow('search_best', [Stage(
            'search_best', osp.join(search_dir, 'best_config.py'),
            checkpoint=search['best_checkpoint'])],
            'search best (trial of `best_config.py`)'),
        StudyRow('trial0', [Stage('trial0', trial0['config'],
                                  checkpoint=trial0['checkpoint'])],
                 'hand-set TIN recipe at the search budget (trial 0)'),
    ]


def tin_row():
    return StudyRow('tin_demo', [Stage('tin_demo', TIN_CONFIG)],
                    'hand-set TIN demo config (configs/demo/tin_r18_demo.py)')


def markdown(report, tin, search_seconds, workers):
    rows = []
    for row in report.rows:
        top1 = report.stats(row, 'top1')['mean']
        rows.append([report.labels[row], '4',
                     'failed' if top1 is None else f'{top1:.4f}'])
    rows.append([f'hand-set TIN demo config ({tin[1]})', '8', tin[0]])
    return (markdown_table(['config', 'epochs', 'test top-1'], rows) +
            f'\n\nsearch wall time: {search_seconds:.0f} s ({workers} '
            'workers)')


def main(argv=None):
    args = parse_args(argv)
    out_dir = setup_study(args)
    command = command_line('tools/analysis/search_evidence.py', argv)
    from mmtin.datasets.synthetic import generate_demo_dataset
    ensure_data(args.data_root, DataSpec(generate_demo_dataset, {}),
                args.regenerate_data)
    search_dir = osp.abspath(osp.join(args.work_dir, 'search'))
    search, search_seconds = run_search(args, search_dir)
    rows = test_rows(search, search_dir)
    records = StudyRunner(rows, [0], osp.join(args.work_dir, 'test_runs'),
                          {'': args.data_root}, resume=args.resume,
                          cfg_options=args.cfg_options).run()
    report = StudyReport(records, rows, [0])
    if args.tin_top1 is None:
        tin = StudyRunner([tin_row()], args.seeds, osp.join(
            args.work_dir, 'tin_demo'), {'': args.data_root},
            resume=args.resume, cfg_options=args.cfg_options).run()
        stats = StudyReport(tin, [tin_row()], args.seeds).stats(
            'tin_demo', 'top1')
        tin_cell = (mean_std(stats, 4) if len(args.seeds) > 1 else
                    f'{stats["mean"]:.4f}', f'trained here, seeds '
                    f'{args.seeds}')
    else:
        tin_cell = (f'{args.tin_top1:.4f}', 'given: --tin-top1')
    table = markdown(report, tin_cell, search_seconds, args.workers)
    board = osp.join(search_dir, 'leaderboard.md')
    if osp.isfile(board):  # the search's own report, quoted in full
        with open(board) as f:
            table += '\n\n## Search leaderboard\n\n' + f.read().strip()
    table += f'\n\nReproduce: `{command}`'
    paths = report.write(out_dir, 'search_evidence', table,
                         command=command, search_seconds=search_seconds,
                         best_params=search.get('best_params'),
                         tin_demo=dict(top1=tin_cell[0], note=tin_cell[1]))
    print(table)
    print('wrote ' + ', '.join(paths))
    return report


if __name__ == '__main__':
    main()
