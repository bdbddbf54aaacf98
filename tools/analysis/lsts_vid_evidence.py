# Copyright (c) OpenMMLab. All rights reserved.
"""Evidence for LSTS video object detection (the paper's own setting).

Usage (the command behind ``docs/lsts_vid_evidence.{md,json,png}``)::

    python tools/analysis/lsts_vid_evidence.py --out-dir docs

Options: those of :func:`mmtin.study.study_parser` (``--seeds``,
``--threads``, ``--work-dir``, ``--out-dir``, ``--data-root``,
``--resume``, ...), plus ``--epochs``, ``--init-epochs``, ``--speed``,
``--data-seed`` and ``--latency-repeats``.

Rows (:mod:`mmtin.study`, the same data, epochs and seeds):
``configs/lsts_vid/{perframe,lsts,copy}_r18_vid_objects.py``, the
per-frame detector, LSTS keyframe propagation (k = 6, SRFU + DFA) and the
same propagation without alignment (copy); each starts from a per-frame
detector trained ``--init-epochs`` epochs (one per seed, shared by the rows;
0: from scratch) and trains ``--epochs`` epochs. They are trained on the
generated VID-style data (``generate_vid_objects_dataset``, written into
``--data-root`` if it is missing or empty) and tested on its ``val``
snippets, each 16-frame snippet one online clip. Reported per run:

* ``vid/mAP_50``, ``vid/mAP`` and ``vid/degraded/mAP_50`` of
  :class:`~mmtin.evaluation.VIDCocoMetric`, and mAP@0.5 on the frames at
  the LSTS row's keyframe positions and on the others (every row, the same
  positions);
* backbone GFLOPs **per frame**: ``clip_features`` (backbone, ``low2high``,
  alignment and fusion: everything but the RPN / RoI heads, which are the
  same in all rows) of one 16-frame test clip by
  :func:`mmtin.models.utils.flops.module_flops`, divided by 16;
* latency per frame: the median over ``--latency-repeats`` timed forwards
  of one 16-frame test clip (batch 1) in this process, on the CPU with
  ``--threads`` torch threads, divided by 16; the rows of a seed are timed
  interleaved. Both the features alone and the whole detector
  (``predict``: features, heads, NMS) are timed;
* for LSTS, the alignment error of DFA's learned sampling
  (:mod:`mmtin.analysis.lsts_alignment_error`): the distance, in feature
  cells, between the expected displacement ``sum_k w_k o_k`` at every
  object's centre in every non-key test frame and the object's true motion
  to its keyframe (from the generated boxes and track ids), next to the
  error of predicting no motion (what copy propagation assumes).
"""
import os.path as osp
from functools import partial
import statistics
import time

import torch
from torch import nn

from mmtin.study import (ClaimCheck, DataSpec, Stage, StudyReport, StudyRow,
                         StudyRowError, StudyRunner, command_line,
                         ensure_data, markdown_table, mean_std, setup_study,
                         study_parser)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ROWS = ('perframe', 'lsts', 'copy')
METRICS = {'map50': 'vid/mAP_50', 'map': 'vid/mAP',
           'degraded_map50': 'vid/degraded/mAP_50'}
#: data of the study: the generator's defaults (48 train / 16 val snippets
#: of 16 frames, 64 px, 15 % blurred and 15 % occluded frames), seed 0
DATA_PARAMS = dict(seed=0)
#: the budget, chosen on calibration runs (other generated data, data seed
#: 1, its val split; training seed 0; docs/lsts_vid.md): every row starts
#: from a per-frame detector trained INIT_EPOCHS epochs, then trains EPOCHS
#: epochs (LSTS on val: 39.1 mAP@0.5 after 6, 55.7 after 18)
EPOCHS = 18
INIT_EPOCHS = 6


def config_path(row):
    return osp.join(REPO_ROOT, 'configs', 'lsts_vid',
                    f'{row}_r18_vid_objects.py')


def keyframe_interval(row='lsts'):
    """``model.keyframe_interval`` of a row's config."""
    from mmengine.config import Config
    return int(Config.fromfile(config_path(row)).model.keyframe_interval)


def row_labels():
    """The rows' labels, with the propagation rows' keyframe interval."""
    k = keyframe_interval()
    return dict(perframe='per-frame detector (full backbone every frame)',
                lsts=f'LSTS propagation (k = {k}, SRFU + DFA)',
                copy=f'copy propagation (k = {keyframe_interval("copy")}, '
                'no alignment)')


def build_rows(epochs, init_epochs=None):
    """One row per model, the same epochs.

    Args:
        epochs (int): Training epochs of each row's model.
        init_epochs (int, optional): None: every row trains from scratch
            (one stage). Otherwise every row starts from a per-frame
            detector trained ``init_epochs`` epochs (stage ``pretrain``,
            trained once per seed and shared by the rows; the paper's
            detectors start from a trained single-frame network), then
            trains its own model ``epochs`` epochs from that checkpoint
            (the modules the per-frame detector lacks start from their
            initialisation). Default: None.
    """
    options = (('default_hooks.logger.interval', 24), )
    first = [] if init_epochs is None else [
        Stage('pretrain', config_path('perframe'), init_epochs,
              cfg_options=options)]
    init = None if init_epochs is None else 'pretrain'
    labels = row_labels()
    return [
        StudyRow(row, first + [Stage(row, config_path(row), epochs,
                                     init_from=init, cfg_options=options)],
                 label=labels[row], metrics=dict(METRICS))
        for row in ROWS
    ]


def data_spec(speed=None, seed=None):
    """The study's data; ``speed = (min, max)`` object speeds in pixels per
    frame at 64 px (default: the generator's 1-3); ``seed`` the data seed
    (default: the study's, 0; another one gives calibration data)."""
    from mmtin.datasets.synthetic import generate_vid_objects_dataset
    params = dict(DATA_PARAMS)
    if seed is not None:
        params.update(seed=seed)
    if speed is not None:
        params.update(min_speed=float(speed[0]), max_speed=float(speed[1]))
    return DataSpec(generate_vid_objects_dataset, params)


# --------------------------------------------------------------------------
# measurements on the trained models
class ClipFeatures(nn.Module):
    """``clip_features`` of a detector as a module (what the FLOPs count
    and the feature latency cover)."""

    def __init__(self, detector):
        super().__init__()
        self.detector = detector

    def forward(self, clip):
        return self.detector.clip_features(clip)


def stage_config(record):
    """The config a record's stage ran with: the one the study dumped next
    to its checkpoint (``--cfg-options`` applied), else the row's."""
    dumped = osp.join(osp.dirname(record['checkpoint']),
                      osp.basename(config_path(record['row'])))
    return dumped if osp.isfile(dumped) else config_path(record['row'])


def load_model(config, checkpoint):
    """The detector of ``config`` with ``checkpoint`` (strict), eval."""
    from mmtin.apis import build_recognizer
    return build_recognizer(config, checkpoint=checkpoint)


def test_dataset(config, data_root):
    """The ``test_dataloader`` dataset of ``config`` on ``data_root``."""
    from mmengine.config import Config

    from mmaction.registry import DATASETS
    from mmtin.utils.config_walker import replace_data_root
    cfg = Config.fromfile(config)
    replace_data_root(cfg, data_root)
    return DATASETS.build(cfg.test_dataloader.dataset.to_dict())


def preprocess(model, item):
    """One dataset item -> ``[1, T, 3, H, W]`` normalised clip."""
    from mmengine.dataset import pseudo_collate
    with torch.no_grad():
        return model.data_preprocessor(pseudo_collate([item]),
                                       False)['inputs']


def backbone_gflops_per_frame(model, clip):
    """GFLOPs of ``clip_features`` on ``clip`` ``[1, T, 3, H, W]`` / T."""
    from mmtin.models.utils.flops import module_flops
    return module_flops(ClipFeatures(model), (clip, )) / clip.shape[1] / 1e9


def interleaved_latency(models, clip, repeats=15, warmup=2):
    """Median ms per frame of the features and of ``predict`` of each model
    on ``clip`` (batch 1), timed round after round over the models.

    Returns:
        dict: name -> ``dict(feat_ms=..., det_ms=...)``.
    """
    from mmtin.utils.timing import time_interleaved
    tasks = []
    for name, model in models.items():
        tasks += [((name, 'feat_ms'), partial(model.clip_features, clip)),
                  ((name, 'det_ms'), partial(model.predict, clip))]
    with torch.no_grad():
        times = time_interleaved(tasks, repeats, warmup)
    t = clip.shape[1]
    return {name: {k: 1e3 * statistics.median(times[(name, k)]) / t
                   for k in ('feat_ms', 'det_ms')} for name in models}


def alignment_errors(model, dataset, stride):
    """Mean alignment error of DFA's learned sampling over every object of
    every non-key frame of ``dataset``, and the zero-displacement error."""
    from mmtin.analysis.lsts_alignment_error import (dfa_alignment_errors,
                                                     zero_displacement_error)
    rows = []
    for i in range(len(dataset)):
        frames = dataset.get_data_info(i)['frames']
        clip = preprocess(model, dataset[i])
        rows += dfa_alignment_errors(
            model, clip, [f['gt_bboxes'] for f in frames],
            [f['track_ids'] for f in frames], stride)
    return dict(align_error=float(statistics.fmean(r['error']
                                                   for r in rows)),
                zero_error=zero_displacement_error(rows),
                true_rank=float(statistics.median(r['true_rank']
                                                  for r in rows)),
                true_top1=float(statistics.fmean(r['true_rank'] == 0
                                                 for r in rows)),
                memory_weight=float(statistics.fmean(r['memory_weight']
                                                     for r in rows)),
                motion=float(statistics.fmean(r['motion'] for r in rows)),
                objects=len(rows))


def keyframe_maps(model, dataset, interval):
    """mAP@0.5 of ``model`` on the test clips' frames at keyframe positions
    of ``interval`` (``t % interval == 0``, ``key_map50``) and on the
    others (``nonkey_map50``): the frames a propagation row runs the whole
    backbone on, and the frames it propagates to (for the per-frame row,
    the same positions). Predicts the clips again; :func:`recorded_maps`
    reads the same numbers from a test run that had them."""
    from mmengine.dataset import pseudo_collate

    from mmtin.evaluation.metrics.vid_coco_metric import VIDCocoMetric
    metric = VIDCocoMetric(keyframe_interval=interval)
    metric.dataset_meta = dataset.metainfo
    for i in range(len(dataset)):
        data = pseudo_collate([dataset[i]])
        with torch.no_grad():
            metric.process(data, model.test_step(data))
    values = metric.compute_metrics(metric.results)
    return dict(key_map50=values.get('keyframe/mAP_50', 0.),
                nonkey_map50=values.get('nonkey/mAP_50', 0.))


def dfa_path_maps(model, dataset, interval):
    """mAP@0.5 on the non-key positions with DFA's output replaced by one
    of its two inputs: the frame's own ``low2high`` features
    (``low2high_nonkey_map50``) or the aligned memory
    (``memory_nonkey_map50``). Which of the two a propagation row's
    non-key detections stand on."""
    def only(path):
        def dfa(cur, memory):
            return cur if path == 'low2high' else model.dfa_aligned(
                cur, memory)
        return dfa

    out = {}
    for path in ('low2high', 'memory'):
        model.dfa = only(path)
        try:
            out[f'{path}_nonkey_map50'] = keyframe_maps(
                model, dataset, interval)['nonkey_map50']
        finally:
            del model.dfa
    return out


def recorded_maps(record, interval):
    """``key_map50`` / ``nonkey_map50`` from a record's test metrics, when
    its stage tested with ``VIDCocoMetric(keyframe_interval=interval)``
    (the demo configs); else None."""
    from mmengine.config import Config
    evaluator = Config.fromfile(stage_config(record)).get('test_evaluator')
    metrics = record.get('metrics') or {}
    if not isinstance(evaluator, dict) or evaluator.get(
            'keyframe_interval') != interval or (
                'vid/keyframe/mAP_50' not in metrics):
        return None
    return dict(key_map50=metrics['vid/keyframe/mAP_50'],
                nonkey_map50=metrics.get('vid/nonkey/mAP_50', 0.))


def measure(records, data_root, repeats=15, log=print):
    """Add ``gflops``, ``feat_ms``, ``det_ms``, ``key_map50`` /
    ``nonkey_map50`` (at the LSTS row's keyframe positions), for the
    propagation rows ``low2high_nonkey_map50`` / ``memory_nonkey_map50``
    (:func:`dfa_path_maps`) and for LSTS ``align_error``, ``zero_error``,
    ``motion``, ... to each finished record's ``values``, seed by seed."""
    by_seed = {}
    for r in records:
        if 'error' not in r:
            by_seed.setdefault(r['seed'], []).append(r)
    for seed, recs in by_seed.items():
        models = {r['row']: load_model(stage_config(r), r['checkpoint'])
                  for r in recs}
        dataset = test_dataset(config_path(recs[0]['row']), data_root)
        clip = preprocess(next(iter(models.values())), dataset[0])
        lat = interleaved_latency(models, clip, repeats)
        interval = (models['lsts'].keyframe_interval if 'lsts' in models
                    else keyframe_interval())
        for r in recs:
            model = models[r['row']]
            r['values']['gflops'] = backbone_gflops_per_frame(model, clip)
            r['values'].update(lat[r['row']])
            r['values'].update(recorded_maps(r, interval) or keyframe_maps(
                model, dataset, interval))
            if model.keyframe_interval > 1 and model.low2high is not None:
                r['values'].update(dfa_path_maps(model, dataset, interval))
            if r['row'] == 'lsts':
                r['values'].update(alignment_errors(
                    model, dataset, model.rpn_head.stride))
                r['values']['objects'] = float(r['values']['objects'])
        log(f'[measure] seed {seed}: ' + '; '.join(
            f'{r["row"]} {r["values"]["gflops"] * 1e3:.1f} MFLOPs, '
            f'{r["values"]["feat_ms"]:.2f} / {r["values"]["det_ms"]:.2f} '
            'ms' for r in recs))
    return records


# --------------------------------------------------------------------------
# tables and claims
def _pct(stats):
    return mean_std(stats, 1)


def results_table(report):
    """mAP per seed and mean ± std, FLOPs and latency per row."""
    base = report.stats('perframe', 'gflops')['mean']
    rows = []
    for row in report.rows:
        m50 = report.stats(row, 'map50', scale=100)
        if not m50['n']:
            continue
        gf = report.stats(row, 'gflops', scale=1e3)['mean']
        ratio = f'{100 * gf / (1e3 * base):.0f}%' if base else '-'
        rows.append([
            report.labels[row],
            ' / '.join(f'{v:.1f}' for v in m50['per_seed'].values()),
            _pct(m50), _pct(report.stats(row, 'map', scale=100)),
            _pct(report.stats(row, 'degraded_map50', scale=100)),
            _pct(report.stats(row, 'key_map50', scale=100)),
            _pct(report.stats(row, 'nonkey_map50', scale=100)),
            f'{gf:.1f} M', ratio,
            mean_std(report.stats(row, 'feat_ms'), 2),
            mean_std(report.stats(row, 'det_ms'), 2)])
    return markdown_table(
        ['model', 'mAP@0.5 per seed (%)', 'mAP@0.5', 'mAP@[.5:.95]',
         'mAP@0.5 degraded frames', 'mAP@0.5 keyframe positions',
         'mAP@0.5 non-key positions', 'backbone FLOPs / frame',
         'vs per-frame', 'latency / frame, features (ms)',
         'latency / frame, detector (ms)'], rows)


def alignment_table(report):
    """LSTS's alignment error per seed against the zero displacement, and
    the readings that say why (where the true offset ranks among DFA's
    similarities, and how much DFA's fusion uses the aligned memory)."""
    if not report.stats('lsts', 'align_error')['n']:
        return ''
    rows = []
    for name, label, digits in (
            ('align_error', 'alignment error, LSTS learned sampling (DFA), '
             'cells', 2),
            ('zero_error', 'alignment error, zero displacement (copy), '
             'cells', 2),
            ('true_rank', 'rank of the offset nearest the true motion among '
             "DFA's similarities (median; 0 = largest)", 1),
            ('true_top1', 'share of objects whose true offset has the '
             'largest similarity', 2),
            ('memory_weight', "DFA fusion's weight on the aligned memory at "
             'the objects (vs the frame\'s own low2high features)', 2)):
        s = report.stats('lsts', name)
        if not s['n']:
            continue
        rows.append([label, ' / '.join(f'{v:.{digits}f}'
                                       for v in s['per_seed'].values()),
                     mean_std(s, digits)])
    return markdown_table(['reading', 'per seed', 'mean ± std'], rows)


def dfa_path_table(report):
    """Non-key mAP@0.5 of the propagation rows as trained and with DFA's
    output replaced by one of its inputs (:func:`dfa_path_maps`)."""
    rows = []
    for row, label in row_labels().items():
        try:  # the per-frame row, and studies measured before, have none
            if not report.stats(row, 'low2high_nonkey_map50')['n']:
                continue
        except KeyError:
            continue
        rows.append([label] + [
            _pct(report.stats(row, key, scale=100))
            for key in ('nonkey_map50', 'low2high_nonkey_map50',
                        'memory_nonkey_map50')])
    if not rows:
        return ''
    return markdown_table(
        ['model', 'non-key mAP@0.5, as trained',
         "DFA output = the frame's own low2high features",
         'DFA output = the aligned memory'], rows)


def claims(report, within=1.5, margin=5.0):
    """The issue's four claims, on the means over seeds (mAP in points)."""
    m50 = {r: report.stats(r, 'map50', scale=100)['mean'] for r in ROWS}
    deg = {r: report.stats(r, 'degraded_map50', scale=100)['mean']
           for r in ROWS}
    ratio = (report.stats('lsts', 'gflops')['mean'] /
             report.stats('perframe', 'gflops')['mean'])
    return [
        ClaimCheck(f'lsts_within_{within}_map50_of_perframe',
                   m50['lsts'] >= m50['perframe'] - within,
                   dict(lsts=m50['lsts'], perframe=m50['perframe']),
                   f'LSTS mAP@0.5 >= per-frame - {within}'),
        ClaimCheck('lsts_backbone_flops_at_most_half', ratio <= 0.5,
                   dict(flops_ratio=ratio),
                   'LSTS backbone FLOPs <= 0.5 x per-frame'),
        ClaimCheck(f'lsts_beats_copy_by_{margin:g}',
                   m50['lsts'] >= m50['copy'] + margin,
                   dict(lsts=m50['lsts'], copy=m50['copy']),
                   f'LSTS mAP@0.5 >= copy + {margin:g}'),
        ClaimCheck('dfa_improves_degraded_frames',
                   deg['lsts'] > deg['perframe'],
                   dict(lsts=deg['lsts'], perframe=deg['perframe']),
                   'LSTS degraded-frame mAP@0.5 > per-frame'),
    ]


def parse_args(argv=None):
    parser = study_parser('LSTS video object detection evidence',
                          'work_dirs/lsts_vid_evidence',
                          data_root='data/vid_objects')
    parser.add_argument('--epochs', type=int, default=EPOCHS,
                        help=f'training epochs of every row (default '
                        f'{EPOCHS})')
    parser.add_argument('--latency-repeats', type=int, default=15,
                        help='timed forwards per model and seed')
    parser.add_argument('--speed', type=float, nargs=2, default=None,
                        metavar=('MIN', 'MAX'),
                        help='object speeds of the generated data, pixels '
                        'per frame at 64 px (default: the generator\'s 1 3); '
                        'use a fresh --data-root')
    parser.add_argument('--data-seed', type=int, default=None,
                        help='seed of the generated data (default '
                        f'{DATA_PARAMS["seed"]}, the study\'s; another one '
                        'calibrates without its test split); use a fresh '
                        '--data-root')
    parser.add_argument('--init-epochs', type=int, default=INIT_EPOCHS,
                        metavar='N',
                        help='start every row from a per-frame detector '
                        'trained N epochs (shared per seed), then train each '
                        f'row --epochs epochs from it (default {INIT_EPOCHS}'
                        '; 0: every row from scratch)')
    args = parser.parse_args(argv)
    if args.init_epochs == 0:
        args.init_epochs = None
    try:  # the study rows' own rules on --epochs / --init-epochs
        build_rows(args.epochs, args.init_epochs)
    except StudyRowError as e:
        parser.error(f'--epochs / --init-epochs: {e}')
    if args.speed is not None:
        from mmtin.datasets.synthetic.vid_objects import check_speeds
        try:
            check_speeds(*args.speed)
        except ValueError as e:
            parser.error(f'--speed MIN MAX: {e}')
    return args


def main(argv=None):
    args = parse_args(argv)
    out_dir = setup_study(args)
    command = command_line('tools/analysis/lsts_vid_evidence.py', argv)
    start = time.time()
    meta = ensure_data(args.data_root, data_spec(args.speed, args.data_seed),
                       args.regenerate_data)
    rows = build_rows(args.epochs, args.init_epochs)
    records = StudyRunner(
        rows, args.seeds, args.work_dir, {'': args.data_root},
        resume=args.resume, cfg_options=args.cfg_options,
        stop_on_error=args.stop_on_error).run()
    measure(records, args.data_root, args.latency_repeats)
    wall = time.time() - start
    report = StudyReport(records, rows, args.seeds)
    table, align = results_table(report), alignment_table(report)
    counts = meta['counts']
    md = ['# LSTS video object detection evidence', '',
          f'Command: `{command}`', '', table, '',
          (f'{args.epochs} epochs per run, seeds {args.seeds}, '
           if args.init_epochs is None else
           f'Every row starts from a per-frame detector trained '
           f'{args.init_epochs} epochs (one per seed, shared by the rows) '
           f'and then trains {args.epochs} epochs; seeds {args.seeds}, ') +
          f'{counts["train"]["snippets"]} training / '
          f'{counts["val"]["snippets"]} test snippets of '
          f'{meta["frames"]} frames at {meta["size"]} px '
          f'({counts["val"]["degraded_frames"]} degraded test frames). '
          'Backbone FLOPs per frame: `clip_features` of one 16-frame test '
          'clip (backbone, low2high, alignment, fusion; not the heads) by '
          '`mmtin.models.utils.flops.module_flops` (1 multiply-add = 1 '
          'FLOP) / 16. Latency per frame: median of '
          f'{args.latency_repeats} timed forwards of one 16-frame clip '
          f'(batch 1, CPU, {args.threads} torch thread(s), in the driver\'s '
          'process, rows interleaved) / 16, mean ± std over seeds. ' +
          report.time_sentence(wall), '']
    if align:
        md += ['## Alignment error of the learned offsets', '', align, '',
               'Distance (feature cells, 8 px) between DFA\'s expected '
               'displacement and each object\'s true motion to its keyframe, '
               'over every object of every non-key test frame.']
    paths = dfa_path_table(report)
    if paths:
        md += ['', '## What the non-key frames are detected from', '', paths,
               '', 'mAP@0.5 on the non-key test frames, mean ± std over '
               'seeds, with DFA\'s fused output (as trained) or one of its '
               'two inputs alone, the trained models otherwise unchanged.']
    checks = claims(report) if report.complete() else []

    def plot(path):
        def panel(ax):
            x = range(len(report.rows))
            for j, (name, label) in enumerate(
                    (('map50', 'all frames'),
                     ('degraded_map50', 'degraded frames'))):
                ys = [report.stats(r, name, scale=100) for r in report.rows]
                ax.bar([i + 0.4 * j for i in x], [s['mean'] for s in ys],
                       0.4, yerr=[s['std'] for s in ys], label=label,
                       capsize=3)
            ax.set_xticks([i + 0.2 for i in x])
            ax.set_xticklabels(report.rows)
            ax.set_ylabel('mAP@0.5 (%)')
            ax.legend(fontsize=7)
        report.plot_tradeoff(path, 'gflops', 'map50',
                             'backbone GFLOPs per frame', 'mAP@0.5 (%)',
                             'generated VID: keyframe propagation',
                             scales={'map50': 100}, extra_panel=panel)

    paths = report.write(out_dir, 'lsts_vid_evidence', '\n'.join(md), checks,
                         plot=plot if checks else None,
                         scales={k: 100 for k in METRICS}, command=command,
                         epochs=args.epochs, init_epochs=args.init_epochs,
                         data=meta, wall_seconds=wall,
                         run_seconds=report.run_seconds())
    print(table)
    if align:
        print(align)
    for check in checks:
        print(check)
    print('wrote ' + ', '.join(paths))
    return report, checks


if __name__ == '__main__':
    main()
