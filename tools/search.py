# Copyright (c) OpenMMLab. All rights reserved.
"""Search over training configs with Optuna (see docs/search.md).

Usage:
    python tools/search.py SEARCH_CONFIG [--n-trials N] [--storage URL]
        [--study-name NAME] [--workers K] [--work-dir DIR] [--no-progress]
        [--report-only]

Every trial is a ``tools/train.py`` run (same config merging, same Runner)
of the resolved config in ``WORK_DIR/trial_NNNN/``. Storage: an SQLite file
``WORK_DIR/study.db`` by default; any SQLAlchemy URL, or ``journal:PATH``
for Optuna's journal file. Run the same command again to continue a killed
study. At the end: ``leaderboard.md``, ``results.json``, ``history.png``,
``importance.png`` and ``best_config.py`` in WORK_DIR.
"""
import argparse
import os
import os.path as osp
import signal
import sys

import mmtin  # noqa: F401  (compat fixes + registration)
from mmtin.search import (SearchReport, StudyDriver, TrialRunner,
                          load_search_config)

TOOLS_DIR = osp.dirname(osp.abspath(__file__))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Search training configs with Optuna')
    parser.add_argument('config', help='search config file path')
    parser.add_argument(
        '--n-trials', type=int, default=None,
        help='target number of finished trials in the study (COMPLETE, '
        'PRUNED or FAIL; killed trials are retried and not counted); '
        'default: n_trials of the search config')
    parser.add_argument(
        '--storage', default=None,
        help='Optuna storage: an SQLAlchemy URL (sqlite:///x.db, '
        'postgresql://...) or journal:PATH (journal file); default: '
        'sqlite WORK_DIR/study.db')
    parser.add_argument(
        '--study-name', default=None,
        help='study name (default: the search config name)')
    parser.add_argument(
        '--workers', type=int, default=1,
        help='trial processes on this machine (torch threads = cores / K)')
    parser.add_argument(
        '--work-dir', default=None,
        help='default: ./work_dirs/search/<search config name>')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    parser.add_argument(
        '--report-only', action='store_true',
        help='run no trial: only write the report of the stored study')
    # internal: one worker process (started by the launcher)
    parser.add_argument('--worker', type=int, default=None,
                        help=argparse.SUPPRESS)
    parser.add_argument('--threads', type=int, default=None,
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f'--workers must be >= 1, got {args.workers}')
    if args.n_trials is not None and args.n_trials < 1:
        parser.error(f'--n-trials must be >= 1, got {args.n_trials}')
    return args


def load_train_tool():
    """``tools/train.py`` as a module: trials reuse its config merging."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'mmtin_tools_train', osp.join(TOOLS_DIR, 'train.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stop(signum, frame):
    raise KeyboardInterrupt(f'signal {signum}')


def main(argv=None):
    args = parse_args(argv)
    search_cfg = load_search_config(args.config)
    name = osp.splitext(osp.basename(args.config))[0]
    work_dir = args.work_dir or osp.join('work_dirs', 'search', name)
    n_trials = args.n_trials or search_cfg.n_trials
    driver = StudyDriver(search_cfg, work_dir, args.storage,
                         args.study_name)

    if args.worker is not None:  # one worker process
        signal.signal(signal.SIGTERM, _stop)
        if args.threads:
            import torch
            torch.set_num_threads(args.threads)
        runner = TrialRunner(search_cfg, load_train_tool(), work_dir)
        ran = driver.run_worker(runner, n_trials, worker_index=args.worker)
        print(f'worker {args.worker}: ran {ran} trial(s)')
        return 0

    code = 0
    if not args.report_only:
        cmd = [sys.executable, osp.abspath(__file__),
               osp.abspath(args.config), '--n-trials', str(n_trials),
               '--work-dir', osp.abspath(work_dir),
               '--study-name', driver.study_name]
        if args.storage:
            cmd += ['--storage', args.storage]
        code = driver.launch(cmd, n_trials, args.workers,
                             progress=not args.no_progress)
        if code:
            print(f'a worker exited with code {code}; see '
                  f'{work_dir}/worker_*.log', file=sys.stderr)
    study = driver.load_study()
    categorical = [
        k for k, d in search_cfg.search_space.domains.items()
        if d['type'] == 'categorical'
    ]
    out = SearchReport(study, search_cfg.metric).write(work_dir, categorical)
    print(out['markdown'])
    counts = driver.progress(study)
    print(f"study {driver.study_name!r}: {counts['done']}/{n_trials} trials "
          f"counted (complete {counts['complete']}, pruned "
          f"{counts['pruned']}, fail {counts['fail']}, running "
          f"{counts['running']}, waiting {counts['waiting']})")
    for key in ('leaderboard', 'json', 'best_config'):
        print(f'{key}: {out[key]}')
    for key, value in out['plots'].items():
        print(f'plot {key}: {value}')
    return code


if __name__ == '__main__':
    os.environ.setdefault('PYTHONWARNINGS', 'ignore')
    sys.exit(main())
