# Copyright (c) OpenMMLab. All rights reserved.
"""Evidence for CVRL pre-training: linear evaluation of a CVRL pre-trained
3D ResNet-RS backbone against a randomly initialised one and against one
pre-trained with per-frame (temporally inconsistent) augmentation.

Usage (the command behind the README table; writes
``docs/cvrl_evidence.{md,json,png}``)::

    python tools/analysis/cvrl_evidence.py --out-dir docs

Options: those of :func:`mmtin.study.study_parser` (``--seeds``,
``--threads``, ``--work-dir``, ``--out-dir``, ``--data-root``,
``--resume``, ...), plus ``--pretrain-epochs``, ``--linear-epochs`` and
``--eval-split`` (``val`` to choose settings without the test split).

Rows (:mod:`mmtin.study`), on the motion-type dataset
(:mod:`mmtin.datasets.synthetic.motion_type`: the class is how the one
object moves, static, linear or circular, the same in every frame, so two
clips of a video share it, and no single frame shows it; plain scene and
fixed appearance, so that videos differ in the object's place and motion
only;
generated into ``--data-root`` if missing or empty, refused if its
``meta.json`` differs), all with the demo 3D ResNet-RS-50 at width 8
(``configs/cvrl/``; the linear classifier set to the dataset's three
classes):

* ``cvrl``: CVRL pre-training (``cvrl_rs50w8_demo_pretrain.py``: two clips
  per video, each with one crop and colour jitter for all its frames;
  labels unused), then linear evaluation (``cvrl_rs50w8_demo_linear.py``:
  backbone loaded and frozen, BN statistics included; a linear probe
  trained on its globally pooled features, standardised by a
  parameter-free BatchNorm1d, ``LinearProbeHead``);
* ``per_frame``: the same pre-training with per-frame augmentation
  (``cvrl_rs50w8_demo_pretrain_per_frame.py``), then the same linear
  evaluation;
* ``random``: the linear evaluation of a frozen, randomly initialised
  backbone (no pre-training).

Budget: both pre-trainings run ``--pretrain-epochs`` (default 64) on the
training videos (without labels) with :data:`PRETRAIN_OPTIONS`; every
linear evaluation runs ``--linear-epochs`` (default 30) on the same
labelled videos (SGD, lr 0.01, momentum 0.9, cosine; chosen on val). The
report adds each probe's last logged training loss
(:func:`probe_losses`), to show whether the probe fitted. FLOPs of one
test clip (the same backbone in every row) are counted by the study core.
"""
import glob
import json
import os.path as osp
import time

from mmtin.study import (COUNTED, ClaimCheck, DataSpec, Stage, StudyReport,
                         StudyRow, StudyRunner, command_line, ensure_data,
                         eval_split_options, markdown_table, mean_std,
                         setup_study, study_parser)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ROWS = ('cvrl', 'per_frame', 'random')
LABELS = dict(
    cvrl='CVRL pre-training (clip-consistent augmentation)',
    per_frame='pre-training with per-frame augmentation (control)',
    random='random initialisation (control)')
PRETRAIN = dict(cvrl='cvrl_rs50w8_demo_pretrain.py',
                per_frame='cvrl_rs50w8_demo_pretrain_per_frame.py')
#: The data: the motion-type generator at 480 videos of 16 frames, 64x64
#: (288 train, 72 val, 120 test), plain scene (grey background) and fixed
#: appearance (one black-and-white disc in every video): videos differ in
#: the object's place and motion only, not in a texture, shape or size
#: that instance discrimination could match instead.
DATA_PARAMS = dict(num_videos=480, val_ratio=0.15, test_ratio=0.25,
                   scene='plain', appearance='fixed')
NUM_CLASSES = 3
#: The pre-training recipe of the study (both pre-trainings), on top of
#: the demo configs, chosen on the val split with a calibration seed
#: (``docs/resnet3d_rs.md``): with the configs' crop area 0.3-1, jitter 0.4,
#: temperature 0.1 and drop path 0.1 the InfoNCE loss of the 64x64 -> 32x32
#: clips did not fall below chance (ln 31) in 4 epochs at lr 1e-3 and rose
#: at 3e-3; milder crops and jitter, temperature 0.2 and no drop path let
#: it fall. Index 3 of the pre-training pipelines is ``ClipwiseAugment``,
#: its transforms crop, resize, jitter.
PRETRAIN_OPTIONS = (
    ('model.head.temperature', 0.2),
    ('model.backbone.drop_path_rate', 0.),
    ('train_dataloader.dataset.pipeline.3.transforms.0.area_range',
     (0.6, 1.0)),
    ('train_dataloader.dataset.pipeline.3.transforms.2.brightness', 0.2),
    ('train_dataloader.dataset.pipeline.3.transforms.2.contrast', 0.2),
    ('train_dataloader.dataset.pipeline.3.transforms.2.saturation', 0.2),
)
#: Claim margin: CVRL above each control by at least this many top-1
#: points (means over seeds).
MARGIN = 5.0


def config_path(name):
    return osp.join(REPO_ROOT, 'configs', 'cvrl', name)


def build_rows(pretrain_epochs, linear_epochs, test_ann_file=None):
    """Pre-training + linear evaluation per method; random: linear only.

    ``test_ann_file`` (optional) replaces the linear evaluations' test
    annotation file (e.g. the val split's, to choose settings).
    """
    log = [('default_hooks.logger.interval', 50)]
    classes = [('model.cls_head.num_classes', NUM_CLASSES)]
    test = [] if test_ann_file is None else [
        ('test_dataloader.dataset.ann_file', test_ann_file)]
    linear = config_path('cvrl_rs50w8_demo_linear.py')
    metrics = {'top1': 'acc/top1', 'gflops': COUNTED}
    rows = []
    for name in ROWS:
        stages = []
        if name in PRETRAIN:
            stages.append(Stage(f'pretrain_{name}',
                                config_path(PRETRAIN[name]),
                                pretrain_epochs,
                                cfg_options=log + list(PRETRAIN_OPTIONS)))
        stages.append(Stage(
            f'linear_{name}', linear, linear_epochs,
            cfg_options=log + classes + test,
            init_from=stages[0].name if stages else None))
        rows.append(StudyRow(name, stages, label=LABELS[name],
                             metrics=metrics))
    return rows


def probe_losses(work_dir, seeds, rows=ROWS):
    """The last logged training loss of every linear probe.

    Read from MMEngine's ``vis_data/scalars.json`` of each ``linear_*``
    stage (the newest run of the stage); missing ones are left out.

    Returns:
        dict: ``{row: {seed: loss}}``.
    """
    out = {}
    for row in rows:
        for seed in seeds:
            files = sorted(glob.glob(osp.join(
                work_dir, f'seed{seed}', f'linear_{row}', '*', 'vis_data',
                'scalars.json')))
            losses = []
            for path in files[-1:]:
                with open(path) as f:
                    losses = [json.loads(line).get('loss') for line in f]
            losses = [v for v in losses if v is not None]
            if losses:
                out.setdefault(row, {})[seed] = losses[-1]
    return out


def loss_line(losses):
    """One markdown sentence on the probes' final training losses."""
    parts = [f'{LABELS[r].split(" (")[0]} ' + ' / '.join(
        f'{v:.2f}' for v in losses[r].values()) for r in losses]
    return ('Linear-probe training loss at the end (last logged, per seed; '
            'chance ln 3 = 1.10): ' + '; '.join(parts) + '.')


def data_spec():
    from mmtin.datasets.synthetic import generate_motion_type_dataset
    return DataSpec(generate_motion_type_dataset, dict(DATA_PARAMS))


def results_table(report):
    """Top-1 per seed, mean ± std, FLOPs and the gap to CVRL."""
    cvrl = report.stats('cvrl', 'top1', scale=100)['mean']
    rows = []
    for name in report.rows:
        top1 = report.stats(name, 'top1', scale=100)
        if not top1['n']:
            continue
        mflops = report.stats(name, 'gflops', scale=1e3)['mean']
        gap = '-' if name == 'cvrl' or cvrl is None else \
            f'{top1["mean"] - cvrl:+.1f}'
        rows.append([
            report.labels[name],
            ' / '.join(f'{a:.1f}' for a in top1['per_seed'].values()),
            mean_std(top1), gap, f'{mflops:.1f} M'])
    return markdown_table(['backbone (frozen), linear evaluation',
                           'top-1 per seed (%)', 'mean ± std', 'vs CVRL',
                           'FLOPs / clip'], rows)


def claims(report, margin=MARGIN):
    """CVRL above both controls by ``margin`` points (means over seeds)."""
    top1 = {r: report.stats(r, 'top1', scale=100)['mean'] for r in ROWS}
    return [
        ClaimCheck(f'cvrl_beats_per_frame_by_{margin:g}',
                   top1['cvrl'] - top1['per_frame'] >= margin,
                   dict(cvrl=top1['cvrl'], per_frame=top1['per_frame']),
                   f'CVRL top-1 >= per-frame pre-training + {margin:g}'),
        ClaimCheck(f'cvrl_beats_random_by_{margin:g}',
                   top1['cvrl'] - top1['random'] >= margin,
                   dict(cvrl=top1['cvrl'], random=top1['random']),
                   f'CVRL top-1 >= random init + {margin:g}'),
    ]


def parse_args(argv=None):
    parser = study_parser('CVRL evidence', 'work_dirs/cvrl_evidence',
                          data_root='data/motion_type_plain_fixed_480',
                          eval_split=True)
    parser.add_argument('--pretrain-epochs', type=int, default=64,
                        help='epochs of each pre-training (chosen on val)')
    parser.add_argument('--linear-epochs', type=int, default=30,
                        help='epochs of every linear evaluation')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    out_dir = setup_study(args)
    command = command_line('tools/analysis/cvrl_evidence.py', argv)
    ensure_data(args.data_root, data_spec(), args.regenerate_data)
    test_ann = eval_split_options(args).get(
        'test_dataloader.dataset.ann_file')
    rows = build_rows(args.pretrain_epochs, args.linear_epochs, test_ann)
    start = time.time()
    records = StudyRunner(
        rows, args.seeds, args.work_dir, {'': args.data_root},
        resume=args.resume, cfg_options=args.cfg_options,
        stop_on_error=args.stop_on_error).run()
    seconds = time.time() - start
    report = StudyReport(records, rows, args.seeds)
    table = results_table(report)
    md = ['# CVRL evidence', '', f'Command: `{command}`', '', table, '',
          f'Motion-type data ({DATA_PARAMS}; {NUM_CLASSES} classes, '
          f'chance {100 / NUM_CLASSES:.1f} %), tested on its '
          f'{args.eval_split} split; {args.pretrain_epochs} pre-training '
          f'epochs (CVRL and per-frame), {args.linear_epochs} linear-'
          f'evaluation epochs (every row), seeds {args.seeds}. FLOPs of '
          'one 8-frame 32x32 test clip by mmengine.analysis (1 '
          'multiply-add = 1 FLOP). ' + report.time_sentence(seconds)]
    losses = probe_losses(args.work_dir, args.seeds)
    if losses:
        md += ['', loss_line(losses)]
    print(table, flush=True)
    checks = claims(report) if report.complete() else []

    def plot(path):
        report.plot_tradeoff(
            path, 'gflops', 'top1', 'GFLOPs per 8-frame clip',
            'linear-evaluation top-1 (%)',
            'motion type: CVRL pre-training', scales={'top1': 100})

    paths = report.write(out_dir, 'cvrl_evidence', '\n'.join(md), checks,
                         plot=plot if checks else None,
                         scales={'top1': 100}, command=command,
                         pretrain_epochs=args.pretrain_epochs,
                         linear_epochs=args.linear_epochs,
                         eval_split=args.eval_split, data=DATA_PARAMS,
                         probe_train_loss=losses, wall_seconds=seconds)
    for check in checks:
        print(check)
    print('wrote ' + ', '.join(paths))
    return report, checks


if __name__ == '__main__':
    main()
