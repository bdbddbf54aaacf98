# Copyright (c) OpenMMLab. All rights reserved.
"""Train and test configs over several seeds; report top-1 mean and spread.

Usage::

    python tools/analysis/seed_study.py --configs A.py B.py ... \
        --seeds 0 1 2 --work-dir work_dirs/seed_study \
        [--data-root data/demo] [--checkpoint last|best] \
        [--cfg-options k=v ...] [--resume] [--stop-on-error] [--out X.json]

For every config and seed, in subprocesses (so runs cannot leak state into
each other):

1. ``python tools/train.py CONFIG --seed S --deterministic --work-dir
   WORK_DIR/<config name>/seed<S>`` (log: ``train.log`` there);
2. ``python tools/test.py CONFIG CKPT --work-dir .../test`` on the last
   checkpoint (``--checkpoint best``: the best one saved by the
   ``CheckpointHook``) (log: ``test.log``);
3. top-1 is read from the ``acc/top1: X`` line test.py prints (else from
   the metrics JSON of the test work dir) and saved in ``result.json``.

``--data-root`` points every dataset path (``ann_file``, ``data_prefix``)
that starts with the config's ``data_root`` to the new root instead.
``--cfg-options`` go to both train.py and test.py.

A failed run is reported with its config, seed, exit status and the tail of
its log; the study goes on with the other runs (``--stop-on-error`` stops
at the first failure) and exits with status 1 if any run failed.
``--resume`` reuses the ``result.json`` of runs that already finished.

Output: a markdown table (per-seed top-1 in %, mean, sample standard
deviation, min-max) and a JSON file (default ``WORK_DIR/results.json``)
that ``tools/analysis/benchmark.py --accuracy-json`` reads.
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import statistics
import subprocess
import sys
import time

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOP1_LINE = re.compile(r'acc/top1:\s*([0-9.eE+-]+)')
LOADER_KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


class RunError(RuntimeError):
    """A train or test subprocess of one (config, seed) run failed."""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Train/test configs over seeds; top-1 mean and spread')
    parser.add_argument('--configs', nargs='+', required=True)
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/seed_study')
    parser.add_argument(
        '--data-root', help='redirect the configs\' data_root here')
    parser.add_argument(
        '--checkpoint', choices=['last', 'best'], default='last',
        help='which checkpoint of each run to test')
    parser.add_argument(
        '--cfg-options', nargs='+', default=[],
        help='key=value overrides passed to train.py and test.py')
    parser.add_argument('--resume', action='store_true',
                        help='reuse finished runs (their result.json)')
    parser.add_argument('--stop-on-error', action='store_true')
    parser.add_argument('--out', help='results JSON (default: WORK_DIR/'
                        'results.json)')
    args = parser.parse_args(argv)
    for path in args.configs:
        if not osp.isfile(path):
            parser.error(f'config file not found: {path}')
    names = [config_name(p) for p in args.configs]
    if len(set(names)) != len(names):
        parser.error(f'two configs share a file name: {names}')
    return args


def config_name(path):
    return osp.splitext(osp.basename(path))[0]


def data_root_overrides(config, new_root):
    """``key=value`` overrides that move the config's dataset paths from
    its ``data_root`` to ``new_root``."""
    import mmtin  # noqa: F401  (configs may use mmtin or mmaction:: bases)
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    old_root = cfg.get('data_root', None)
    if not isinstance(old_root, str) or not old_root:
        raise ValueError(f'--data-root: config {config} defines no '
                         '`data_root` string to redirect')
    old_root = old_root.rstrip('/')
    overrides = [f'data_root={new_root}']

    def walk(node, prefix):
        for key, value in node.items():
            name = f'{prefix}.{key}'
            if isinstance(value, dict):
                walk(value, name)
            elif isinstance(value, str) and (value == old_root or
                                             value.startswith(old_root +
                                                              '/')):
                overrides.append(f'{name}={new_root}{value[len(old_root):]}')

    for loader in LOADER_KEYS:
        dataset = (cfg.get(loader, None) or {}).get('dataset', None)
        if isinstance(dataset, dict):
            walk(dataset, f'{loader}.dataset')
    return overrides


def _run(cmd, log_path, what):
    start = time.time()
    with open(log_path, 'w') as log:
        log.write(' '.join(cmd) + '\n')
        log.flush()
        env = dict(os.environ)
        # deterministic cuBLAS for torch.use_deterministic_algorithms
        env.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
        code = subprocess.call(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    if code != 0:
        with open(log_path, errors='replace') as f:
            tail = ''.join(f.readlines()[-15:])
        raise RunError(f'{what} exited with status {code}; log: {log_path}'
                       f'\n--- last lines ---\n{tail}')
    return time.time() - start


def find_checkpoint(run_dir, which):
    if which == 'best':
        found = sorted(glob.glob(osp.join(run_dir, 'best_*.pth')))
        if not found:
            raise RunError(f'no best_*.pth in {run_dir} (does the config '
                           'save the best checkpoint?)')
        return found[-1]
    pointer = osp.join(run_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            path = f.read().strip()
        if osp.isfile(path):
            return path
    found = sorted(
        glob.glob(osp.join(run_dir, 'epoch_*.pth')) +
        glob.glob(osp.join(run_dir, 'iter_*.pth')),
        key=lambda p: int(re.findall(r'\d+', osp.basename(p))[0]))
    if not found:
        raise RunError(f'training saved no checkpoint in {run_dir}')
    return found[-1]


def read_top1(test_log, test_dir):
    """Top-1 (a fraction) from test.py's output, else its metrics JSON."""
    with open(test_log, errors='replace') as f:
        found = TOP1_LINE.findall(f.read())
    if found:
        return float(found[-1])
    for path in sorted(glob.glob(osp.join(test_dir, '*', '*.json'))) + \
            sorted(glob.glob(osp.join(test_dir, '*', 'vis_data', '*.json'))):
        with open(path) as f:
            for line in f:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if 'acc/top1' in record:
                    return float(record['acc/top1'])
    raise RunError(f'no acc/top1 in {test_log} nor in the JSON logs under '
                   f'{test_dir}')


def run_one(config, seed, args, extra):
    """Train and test one (config, seed); returns the run's result dict."""
    run_dir = osp.join(args.work_dir, config_name(config), f'seed{seed}')
    result_path = osp.join(run_dir, 'result.json')
    if args.resume and osp.isfile(result_path):
        with open(result_path) as f:
            return json.load(f)
    os.makedirs(run_dir, exist_ok=True)
    options = ['--cfg-options'] + extra if extra else []
    train_s = _run([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'train.py'), config, '--seed',
        str(seed), '--deterministic', '--work-dir', run_dir
    ] + options, osp.join(run_dir, 'train.log'), 'train.py')
    ckpt = find_checkpoint(run_dir, args.checkpoint)
    test_dir = osp.join(run_dir, 'test')
    test_log = osp.join(run_dir, 'test.log')
    test_s = _run([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'test.py'), config, ckpt,
        '--work-dir', test_dir
    ] + options, test_log, 'test.py')
    result = dict(
        config=config, seed=seed, checkpoint=ckpt,
        top1=100 * read_top1(test_log, test_dir), train_s=train_s,
        test_s=test_s)
    with open(result_path, 'w') as f:
        json.dump(result, f, indent=2)
    return result


def summarise(config, seeds, results, failed):
    values = [results[s]['top1'] for s in seeds if s in results]
    summary = dict(
        config=config, seeds=list(seeds),
        top1={str(s): results[s]['top1']
              for s in seeds if s in results},
        failed={str(s): msg
                for s, msg in failed.items()}, mean=None, std=None, min=None,
        max=None)
    if values:
        summary.update(
            mean=statistics.fmean(values),
            std=statistics.stdev(values) if len(values) > 1 else 0.0,
            min=min(values), max=max(values))
    return summary


def markdown_table(summaries, seeds):
    cols = ['config'] + [f'seed {s}' for s in seeds] + [
        'mean', 'std', 'min-max'
    ]
    lines = ['| ' + ' | '.join(cols) + ' |', '|' + '---|' * len(cols)]
    for name, s in summaries.items():
        cells = [name] + [
            f'{s["top1"][str(seed)]:.2f}' if str(seed) in s['top1'] else
            'failed' for seed in seeds
        ]
        if s['mean'] is None:
            cells += ['-', '-', '-']
        else:
            cells += [
                f'{s["mean"]:.2f}', f'{s["std"]:.2f}',
                f'{s["min"]:.2f}-{s["max"]:.2f}'
            ]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.work_dir, exist_ok=True)
    summaries, any_failed = {}, False
    for config in args.configs:
        extra = list(args.cfg_options)
        if args.data_root:
            extra = data_root_overrides(config, args.data_root) + extra
        results, failed = {}, {}
        for seed in args.seeds:
            print(f'[seed_study] {config} seed {seed} ...', flush=True)
            try:
                results[seed] = run_one(config, seed, args, extra)
                print(f'[seed_study] {config} seed {seed}: top-1 '
                      f'{results[seed]["top1"]:.2f}%', flush=True)
            except RunError as exc:
                any_failed = True
                failed[seed] = f'{config} seed {seed}: {exc}'
                print(f'[seed_study] FAILED {failed[seed]}', flush=True)
                if args.stop_on_error:
                    break
        summaries[config_name(config)] = summarise(config, args.seeds,
                                                   results, failed)
        if failed and args.stop_on_error:
            break
    out = args.out or osp.join(args.work_dir, 'results.json')
    with open(out, 'w') as f:
        json.dump(
            dict(metric='acc/top1', unit='%', seeds=args.seeds,
                 std='sample standard deviation (n-1)',
                 results=summaries), f, indent=2)
    print('\ntop-1 (%) on the test split, per seed; std = sample standard '
          'deviation\n')
    print(markdown_table(summaries, args.seeds))
    print(f'\nresults written to {out}')
    return 1 if any_failed else 0


if __name__ == '__main__':
    sys.exit(main())
