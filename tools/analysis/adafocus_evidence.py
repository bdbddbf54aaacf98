# Copyright (c) OpenMMLab. All rights reserved.
"""AdaFocus evidence: accuracy and GFLOPs/video against the plain model and
the random-patch control, same data, same budget, several seeds.

Usage::

    flock /tmp/mmtin-heavy.lock python tools/analysis/adafocus_evidence.py \
        [--data-root data/small_object] [--work-dir work_dirs/adafocus_ev] \
        [--seeds 0 1 2] [--epochs 2 3 8 3] [--threads 1] [--resume]

Rows (configs in ``configs/adafocus/``, trained from scratch with MMEngine's
Runner, in this process, one after the other; ``E0 E1 E2 E3`` = ``--epochs``,
every row trains ``E0 + E1 + E2 + E3`` epochs in all):

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
classifier per frame, times frames used), of (b) from
:func:`mmtin.utils.count_flops` on one test view; both count one
multiply-add as one FLOP with :mod:`mmengine.analysis`. The data set
(``--data-root``) is generated with :func:`generate_small_object_dataset`
if it has no ``meta.json``.

Writes ``WORK_DIR/adafocus_evidence.{md,json,png}`` and prints the table,
the claim checks and the command.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import time

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG_DIR = osp.join(REPO_ROOT, 'configs', 'adafocus')
ROWS = (('a', 'AdaFocus V1, PPO policy (patch P)'),
        ('a2', 'AdaFocusV2, differentiable crop (patch P)'),
        ('b', 'plain: same focuser, full frame'),
        ('c', 'control: random patches'))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='AdaFocus evidence study')
    parser.add_argument('--data-root', default='data/small_object')
    parser.add_argument('--work-dir', default='work_dirs/adafocus_evidence')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument(
        '--epochs', nargs=4, type=int, default=[2, 3, 8, 3],
        metavar=('E0', 'E1', 'E2', 'E3'),
        help='AdaFocus stage 0 / 1 / 2 / 3 epochs; every row trains their '
        'sum')
    parser.add_argument(
        '--splits', nargs=3, type=int, default=[800, 100, 600],
        metavar=('TRAIN', 'VAL', 'TEST'),
        help='videos per split to generate if --data-root has no '
        'meta.json (a large test split: one clip is 1/600 of top-1)')
    parser.add_argument('--threads', type=int, default=1,
                        help='torch intra-op threads')
    parser.add_argument('--resume', action='store_true',
                        help='reuse the result.json of finished seeds')
    return parser.parse_args(argv)


def _config(name, args, seed, epochs, work_dir, load_from=None,
            focuser_from=None):
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(CFG_DIR, name))
    cfg.work_dir = work_dir
    cfg.experiment_name = osp.basename(work_dir.rstrip('/')) + \
        f'_{osp.basename(osp.dirname(work_dir))}'
    cfg.randomness = dict(seed=seed, deterministic=False)
    cfg.load_from = load_from
    if focuser_from is not None:
        cfg.model.focuser.init_cfg.checkpoint = focuser_from
    cfg.log_level = 'WARNING'
    cfg.train_cfg.max_epochs = epochs
    cfg.train_cfg.val_interval = epochs + 1
    if cfg.param_scheduler:
        cfg.param_scheduler = [
            dict(type='CosineAnnealingLR', T_max=epochs, eta_min=0,
                 by_epoch=True, begin=0, end=epochs)
        ]
    # as tools/train.py --no-validate
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    old = cfg.data_root
    for key in ('train_dataloader', 'test_dataloader'):
        ds = cfg[key].dataset
        ds.ann_file = ds.ann_file.replace(old, args.data_root, 1)
        ds.data_prefix.video = ds.data_prefix.video.replace(
            old, args.data_root, 1)
    return cfg


def _train_test(cfg):
    from mmengine.runner import Runner
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    ckpt = osp.join(cfg.work_dir, f'epoch_{cfg.train_cfg.max_epochs}.pth')
    return runner, metrics, ckpt, time.time() - start


def _plain_gflops(runner, cfg):
    import torch
    from mmtin.apis import count_flops
    model = runner.model.module if hasattr(runner.model, 'module') \
        else runner.model
    t, size = cfg.num_segments, cfg.frame_size
    return count_flops(model.eval(), torch.zeros(1, t, 3, size, size)) / 1e9


def run_seed(args, seed):
    e0, e1, e2, e3 = args.epochs
    total = e0 + e1 + e2 + e3
    root = osp.join(args.work_dir, f'seed{seed}')
    done = osp.join(root, 'result.json')
    if args.resume and osp.isfile(done):
        with open(done) as f:
            return json.load(f)

    def row(metrics, seconds):
        return dict(top1=float(metrics['acc/top1']),
                    gflops=float(metrics['flops/gflops_per_video']),
                    seconds=seconds)

    out = {}
    # stage 0 (shared by a, a2, c): the focuser backbone on whole frames
    _, _, ckpt0, t0 = _train_test(_config(
        'adafocus_demo_stage0_focuser.py', args, seed, e0,
        osp.join(root, 'stage0')))
    # stage 1 (shared by a, a2): random patches
    _, _, ckpt1, t1 = _train_test(_config(
        'adafocus_demo_stage1_random.py', args, seed, e1,
        osp.join(root, 'stage1'), focuser_from=ckpt0))
    # (a) V1: PPO on the policy alone, then fine-tune the classifier
    _, _, ckpt2, t2 = _train_test(_config(
        'adafocus_v1_demo_stage2_ppo.py', args, seed, e2,
        osp.join(root, 'a_stage2_ppo'), load_from=ckpt1))
    _, m, _, t3 = _train_test(_config(
        'adafocus_v1_demo_stage3_finetune.py', args, seed, e3,
        osp.join(root, 'a_stage3'), load_from=ckpt2))
    out['a'] = row(m, t0 + t1 + t2 + t3)
    # (a2) V2: joint training through the differentiable crop
    _, m, _, t = _train_test(_config(
        'adafocus_v2_demo_stage2_joint.py', args, seed, e2 + e3,
        osp.join(root, 'a2_stage2_v2'), load_from=ckpt1))
    out['a2'] = row(m, t0 + t1 + t)
    # (b) plain model on the full frame
    cfg = _config('plain_r18_fullframe_demo.py', args, seed, total,
                  osp.join(root, 'b_plain'))
    runner, m, _, t = _train_test(cfg)
    out['b'] = dict(top1=float(m['acc/top1']),
                    gflops=_plain_gflops(runner, cfg), seconds=t)
    # (c) control: stage 0, then random patches for the rest
    _, m, _, t = _train_test(_config(
        'adafocus_demo_stage1_random.py', args, seed, e1 + e2 + e3,
        osp.join(root, 'c_random'), focuser_from=ckpt0))
    out['c'] = row(m, t0 + t)
    with open(done, 'w') as f:
        json.dump(out, f, indent=2)
    return out


def summarize(per_seed):
    rows = {}
    for key, label in ROWS:
        acc = [100 * r[key]['top1'] for r in per_seed.values()]
        rows[key] = dict(
            label=label, top1=acc, mean=statistics.mean(acc),
            std=statistics.stdev(acc) if len(acc) > 1 else 0.,
            gflops=statistics.mean(r[key]['gflops']
                                   for r in per_seed.values()),
            seconds=sum(r[key]['seconds'] for r in per_seed.values()))
    b, c = rows['b'], rows['c']
    checks = {}
    for key in ('a', 'a2'):
        a = rows[key]
        checks.update({
            f'{key}_within_2_points_of_b': bool(a['mean'] >= b['mean'] - 2),
            f'{key}_flops_at_most_half_of_b':
            bool(a['gflops'] <= 0.5 * b['gflops']),
            f'{key}_clearly_above_c': bool(
                a['mean'] - c['mean'] >= 5
                and a['mean'] - a['std'] > c['mean'] + c['std']),
        })
    return rows, checks


def markdown(rows, checks, seeds):
    b_flops = rows['b']['gflops']
    lines = [
        '| model | top-1 % (mean ± std) | per seed | GFLOPs / video | '
        'FLOPs vs plain |', '|---|---|---|---|---|'
    ]
    for key, _ in ROWS:
        r = rows[key]
        lines.append(
            f'| ({key}) {r["label"]} | {r["mean"]:.1f} ± {r["std"]:.1f} | '
            + ' / '.join(f'{v:.1f}' for v in r['top1']) +
            f' | {r["gflops"]:.4f} | {100 * r["gflops"] / b_flops:.0f}% |')
    lines.append('')
    lines.append(f'Seeds {seeds}. Claim checks: ' + ', '.join(
        f'{k}: {"yes" if v else "NO"}' for k, v in checks.items()))
    return '\n'.join(lines)


def plot(rows, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.6))
    colours = ('tab:red', 'tab:orange', 'tab:blue', 'tab:gray')
    for (key, _), colour in zip(ROWS, colours):
        r = rows[key]
        ax.errorbar(r['gflops'], r['mean'], yerr=r['std'], fmt='o',
                    color=colour, capsize=3, label=f'({key}) {r["label"]}')
        ax.scatter([r['gflops']] * len(r['top1']), r['top1'], s=8,
                   color=colour, alpha=0.5)
    ax.set_xscale('log')
    ax.set_xlabel('GFLOPs / video (log)')
    ax.set_ylabel('top-1 (%)')
    ax.set_title('Small-object data: accuracy vs compute')
    ax.legend(fontsize=7, loc='lower right')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    import torch

    import mmtin  # noqa: F401
    from mmtin.datasets.synthetic.small_object import \
        generate_small_object_dataset
    torch.set_num_threads(args.threads)
    os.makedirs(args.work_dir, exist_ok=True)
    start = time.time()
    if not osp.isfile(osp.join(args.data_root, 'meta.json')):
        total = sum(args.splits)
        generate_small_object_dataset(
            args.data_root, num_videos=total,
            val_ratio=args.splits[1] / total,
            test_ratio=args.splits[2] / total)
    per_seed = {}
    for seed in args.seeds:
        per_seed[seed] = run_seed(args, seed)
        print(f'seed {seed}: ' + ', '.join(
            f'({k}) {100 * v["top1"]:.1f}% {v["seconds"]:.0f}s'
            for k, v in per_seed[seed].items()), flush=True)
    rows, checks = summarize(per_seed)
    table = markdown(rows, checks, args.seeds)
    command = ('flock /tmp/mmtin-heavy.lock python '
               'tools/analysis/adafocus_evidence.py --data-root '
               f'{args.data_root} --work-dir {args.work_dir} --seeds '
               f'{" ".join(map(str, args.seeds))} --epochs '
               f'{" ".join(map(str, args.epochs))} --threads {args.threads}')
    base = osp.join(args.work_dir, 'adafocus_evidence')
    with open(base + '.md', 'w') as f:
        f.write(table + f'\n\nReproduce: `{command}`\n')
    with open(base + '.json', 'w') as f:
        json.dump(dict(per_seed=per_seed, rows=rows, checks=checks,
                       command=command,
                       wall_seconds=time.time() - start), f, indent=2)
    plot(rows, base + '.png')
    print(table)
    print(f'\nwall time {time.time() - start:.0f} s (shared 2-core host, '
          'not quiet); wrote ' + base + '.{md,json,png}')
    print('reproduce: ' + command)
    return rows, checks


if __name__ == '__main__':
    main()
