# Copyright (c) OpenMMLab. All rights reserved.
"""Evidence for MoViNet's simple ensembling: two half-rate members against
one full-rate model at equal FLOPs.

Usage (the command behind the README table; writes
``docs/ensemble_evidence.{md,json,png}``)::

    python tools/analysis/ensemble_evidence.py --out-dir docs

Options: those of :func:`mmtin.study.study_parser` (``--seeds``,
``--threads``, ``--work-dir``, ``--out-dir``, ``--data-root``,
``--resume``, ...), plus ``--epochs``, ``--eval-split`` (``val`` to choose
settings without looking at the test split) and ``--latency-runs``.

Rows (:mod:`mmtin.study`), on the temporal-order dataset (class = the
direction of time, so the frames' order is the only cue; generated into
``--data-root`` if missing or empty, refused if its ``meta.json`` differs):

* ``full``: the A0-style demo MoViNet on 8 frames x stride 2 at 64x64
  (``configs/ensembles/movinet_a0_demo_8x2.py``);
* ``ensemble``: two members of the same model, each at half that frame
  rate (4 frames x stride 4: every other frame of the full-rate clip,
  ``movinet_a0_demo_half_rate.py``, a one-member ``EnsembleRecognizer``),
  one on frames 0, 4, 8, 12 and one on frames 2, 6, 10, 14 (offsets 0
  and 1 in the clip), trained independently (own seed: study seed and
  study seed + :data:`MEMBER_SEED_OFFSET`), tested together on the
  full-rate clip by ``EnsembleRecognizer`` (logits averaged;
  ``movinet_a0_demo_ensemble_2x4x4.py``, a test-only stage that takes the
  members' checkpoints);
* ``half``: the first member alone (the control: half the FLOPs).

Budget: every model trains for the same ``--epochs`` (default 6, chosen
on the val split with a calibration seed, see ``docs/movinet.md``) on the
same videos, so the ensemble's test FLOPs equal the full model's (2 x
half) and so does its training compute (2 members x half-rate clips).
FLOPs of one test video are counted by the study core
(``mmengine.analysis``, one multiply-add = one FLOP); latency is the
median of ``--latency-runs`` timed forwards of each test model (clip
already decoded and normalised, batch 1, CPU, ``--threads`` threads) in
this process.
"""
import os.path as osp
import statistics
import time

from mmtin.study import (COUNTED, ClaimCheck, DataSpec, Stage, StudyReport,
                         StudyRow, StudyRunner, command_line, ensure_data,
                         eval_split_options, markdown_table, mean_std,
                         setup_study, study_parser)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ROWS = ('full', 'ensemble', 'half')
LABELS = dict(
    full='full rate: 1 x A0-demo, 8x2 frames',
    ensemble='ensemble: 2 x A0-demo, 4x4 frames, offsets 0 / 2',
    half='control: 1 half-rate member, 4x4 frames')
#: Added to the study seed for the second member (own init, data order).
MEMBER_SEED_OFFSET = 1000
#: The data: the temporal-order generator at 400 videos, a quarter of the
#: pairs for test (100 videos).
DATA_PARAMS = dict(num_videos=400, val_ratio=0.15, test_ratio=0.25)
#: Claim tolerances: the ensemble within this many top-1 points of the full
#: model, at no more than this many times its FLOPs.
TOLERANCE_POINTS = 1.0
FLOPS_RATIO = 1.05
#: Precondition of the comparison: the full-rate model learned the task
#: (top-1 % at least this; two classes, chance is 50).
LEARNED_TOP1 = 60.0
#: Where the second member's frame offset (in the full-rate clip) goes.
OFFSET_KEY = 'model.members.0.frames.offset'


def config_path(name):
    return osp.join(REPO_ROOT, 'configs', 'ensembles',
                    f'movinet_a0_demo_{name}.py')


def build_rows(epochs):
    """The three rows; ``half`` and ``ensemble`` share the first member."""
    log = [('default_hooks.logger.interval', 50)]
    member0 = Stage('member0', config_path('half_rate'), epochs,
                    cfg_options=log)
    member1 = Stage('member1', config_path('half_rate'), epochs,
                    cfg_options=log + [(OFFSET_KEY, 1)],
                    seed_offset=MEMBER_SEED_OFFSET)
    ensemble = Stage(
        'ensemble', config_path('ensemble_2x4x4'), train=False,
        from_stages=(('member0', 'model.members.0.checkpoint'),
                     ('member1', 'model.members.1.checkpoint')))
    metrics = {'top1': 'acc/top1', 'gflops': COUNTED}
    return [
        StudyRow('full', [Stage('full', config_path('8x2'), epochs,
                                cfg_options=log)],
                 label=LABELS['full'], metrics=metrics),
        StudyRow('ensemble', [member0, member1, ensemble],
                 label=LABELS['ensemble'], metrics=metrics),
        StudyRow('half', [member0], label=LABELS['half'], metrics=metrics),
    ]


def data_spec():
    from mmtin.datasets.synthetic import generate_demo_dataset
    return DataSpec(generate_demo_dataset, dict(DATA_PARAMS))


def measure_latency(config, runs=20, warmup=3):
    """Median seconds of one batch-1 forward of ``config``'s test model.

    The model is built from the config (weights do not change the time),
    in eval mode, on a random normalised clip of the test pipeline's
    shape ``[1, 1, 3, T, S, S]``; a recognizer runs its test path to class
    scores (:class:`RecognizerScores`), an ensemble its fused scores.

    Args:
        config (str): Config file.
        runs (int): Timed forwards. Default: 20.
        warmup (int): Untimed forwards first. Default: 3.

    Returns:
        float: The median, in seconds.
    """
    import torch
    from mmengine.config import Config

    from mmtin.apis import build_recognizer
    from mmtin.models.utils.recognizer_scores import RecognizerScores
    from mmtin.utils.timing import time_interleaved
    cfg = Config.fromfile(config)
    model = build_recognizer(cfg, init_weights=False)
    if hasattr(model, 'extract_feat'):
        model = RecognizerScores(model)
    sample = next(t for t in cfg.test_dataloader.dataset.pipeline
                  if t['type'] == 'SampleFrames')
    size = cfg.img_size
    inputs = torch.randn(1, 1, 3, sample['clip_len'], size, size)
    with torch.no_grad():
        times = time_interleaved([('forward', lambda: model(inputs))], runs,
                                 warmup)['forward']
    return statistics.median(times)


def results_table(report, latency_ms=None):
    """Top-1 per seed, mean ± std, FLOPs, FLOPs ratio, latency, training
    compute in full-model epochs."""
    latency_ms = latency_ms or {}
    full = report.stats('full', 'gflops')['mean']
    train = dict(full='1 x E', ensemble='2 x E at half rate = 1 x E',
                 half='1 x E at half rate = 0.5 x E')
    rows = []
    for name in report.rows:
        top1 = report.stats(name, 'top1', scale=100)
        if not top1['n']:
            continue
        mflops = report.stats(name, 'gflops', scale=1e3)['mean']
        ratio = f'{mflops / (1e3 * full):.2f}x' if full else '-'
        lat = latency_ms.get(name)
        rows.append([
            report.labels[name],
            ' / '.join(f'{a:.1f}' for a in top1['per_seed'].values()),
            mean_std(top1), f'{mflops:.1f} M', ratio,
            '-' if lat is None else f'{lat:.1f} ms', train[name]])
    return markdown_table(['model', 'top-1 per seed (%)', 'mean ± std',
                           'FLOPs / video', 'vs full', 'latency (CPU, b=1)',
                           'training (E epochs)'], rows)


def claims(report, tolerance=TOLERANCE_POINTS, flops_ratio=FLOPS_RATIO):
    """The ensembling claims, on the means over seeds."""
    top1 = {r: report.stats(r, 'top1', scale=100)['mean'] for r in ROWS}
    ratio = (report.stats('ensemble', 'gflops')['mean'] /
             report.stats('full', 'gflops')['mean'])
    return [
        ClaimCheck('full_model_learned_the_task',
                   top1['full'] >= LEARNED_TOP1, dict(full=top1['full']),
                   f'precondition: full-rate top-1 >= {LEARNED_TOP1:g} '
                   '(chance 50); without it the comparisons say nothing'),
        ClaimCheck(f'ensemble_within_{tolerance:g}_point_of_full',
                   top1['ensemble'] >= top1['full'] - tolerance,
                   dict(ensemble=top1['ensemble'], full=top1['full']),
                   f'ensemble top-1 >= full-rate top-1 - {tolerance:g}'),
        ClaimCheck('ensemble_flops_equal_to_full', ratio <= flops_ratio,
                   dict(flops_ratio=ratio),
                   f'ensemble FLOPs <= {flops_ratio:g} x full-rate'),
        ClaimCheck('ensemble_beats_one_member',
                   top1['ensemble'] > top1['half'],
                   dict(ensemble=top1['ensemble'], half=top1['half']),
                   'ensemble top-1 > one half-rate member'),
    ]


def parse_args(argv=None):
    parser = study_parser('MoViNet ensemble evidence',
                          'work_dirs/ensemble_evidence',
                          data_root='data/temporal_order_400',
                          eval_split=True)
    parser.add_argument('--epochs', type=int, default=6,
                        help='epochs of every model (full and each member)')
    parser.add_argument('--latency-runs', type=int, default=20)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    out_dir = setup_study(args)
    command = command_line('tools/analysis/ensemble_evidence.py', argv)
    ensure_data(args.data_root, data_spec(), args.regenerate_data)
    cfg_options = dict(args.cfg_options, **eval_split_options(args))
    rows = build_rows(args.epochs)
    start = time.time()
    records = StudyRunner(
        rows, args.seeds, args.work_dir, {'': args.data_root},
        resume=args.resume, cfg_options=cfg_options,
        stop_on_error=args.stop_on_error).run()
    seconds = time.time() - start
    report = StudyReport(records, rows, args.seeds)
    configs = dict(full='8x2', ensemble='ensemble_2x4x4', half='half_rate')
    latency_ms = {r: 1e3 * measure_latency(config_path(c), args.latency_runs)
                  for r, c in configs.items()}
    table = results_table(report, latency_ms)
    md = ['# MoViNet ensemble evidence', '', f'Command: `{command}`', '',
          table, '',
          f'Temporal-order data ({DATA_PARAMS}), tested on its '
          f'{args.eval_split} split; {args.epochs} epochs for every model '
          f'(the full one and each member), seeds {args.seeds} (second '
          f'member: seed + {MEMBER_SEED_OFFSET}). FLOPs of one 8-frame '
          '64x64 test video by mmengine.analysis (1 multiply-add = 1 FLOP); '
          f'latency: median of {args.latency_runs} batch-1 forwards of the '
          f'test model (decoded, normalised clip), CPU, {args.threads} '
          'thread(s). ' + report.time_sentence(seconds)]
    print(table, flush=True)
    checks = claims(report) if report.complete() else []

    def plot(path):
        report.plot_tradeoff(
            path, 'gflops', 'top1', 'GFLOPs per 8-frame video', 'top-1 (%)',
            'temporal order: MoViNet ensembling', scales={'top1': 100})

    paths = report.write(out_dir, 'ensemble_evidence', '\n'.join(md),
                         checks, plot=plot if checks else None,
                         scales={'top1': 100},
                         command=command, epochs=args.epochs,
                         eval_split=args.eval_split, data=DATA_PARAMS,
                         latency_ms=latency_ms, wall_seconds=seconds)
    for check in checks:
        print(check)
    print('wrote ' + ', '.join(paths))
    return report, checks


if __name__ == '__main__':
    main()
