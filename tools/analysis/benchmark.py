# Copyright (c) OpenMMLab. All rights reserved.
"""Parameters, FLOPs, inference and training-step speed of recognizers.

Usage::

    python tools/analysis/benchmark.py CONFIG [CONFIG ...] \
        [--baselines tsn tsm] [--baseline-depth 50] [--input-size 224] \
        [--frames 8] [--batch 1] [--repeats 20] [--warmup 3] \
        [--device cpu|cuda] [--threads N] [--no-train] [--out bench.json] \
        [--plot out.png --accuracy-json results.json] [--cfg-options k=v]

Every config is built with its pretrained downloads removed, next to
MMAction2's TSN and TSM (``ResNet`` + ``TSNHead`` / ``ResNetTSM`` +
``TSMHead``, as in MMAction2's ``_base_/models/tsn_r50.py`` and
``tsm_r50.py``). All models get the same input: ``--frames`` segments (2D;
each segment keeps the config's ``clip_len``, e.g. 5 frames for TDN) or
``--frames`` frames (3D), ``--input-size`` pixels square; every
``num_segments`` of a config is set to ``--frames``.

Measured per model, in one process: parameters; FLOPs of one forward pass
(``mmengine.analysis``, one multiply-add = one FLOP as in MMAction2's model
zoo); the median over ``--repeats`` of the latency of a no-grad forward
(raw input to class scores; data loading and normalisation excluded) and of
a training step (forward in ``loss`` mode, backward, SGD step); throughput
= ``--batch`` / median latency. Repeats run round-robin over the models, so
load drift on the machine affects all of them alike. Ratios are relative to
the TSN baseline (or to the first row without one).

``--plot`` draws top-1 accuracy (``--accuracy-json``, written by
``tools/analysis/seed_study.py``; matched by config file name) against
inference latency into a PNG.
"""
import argparse
import json
import os.path as osp
import platform
import statistics
import sys
import textwrap
import time

try:
    import mmtin  # noqa: F401  (compat fixes + registration)
except ImportError:  # run from a checkout without `pip install`
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
    import mmtin  # noqa: F401

import torch  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402

from mmaction.structures import ActionDataSample  # noqa: E402
from mmtin.utils.model_analysis import (build_recognizer,  # noqa: E402
                                        count_flops, count_params,
                                        prepare_model_cfg, view_input_shape,
                                        view_spec)

_NORM = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
COLUMNS = ('model', 'input', 'params (M)', 'GFLOPs', 'FLOPs x', 'infer ms',
           'infer clips/s', 'infer x', 'train ms', 'train clips/s',
           'train x')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Benchmark recognizers against MMAction2 TSN/TSM')
    parser.add_argument('configs', nargs='*', help='config files')
    parser.add_argument(
        '--baselines', nargs='*', default=['tsn', 'tsm'],
        choices=['tsn', 'tsm'],
        help='MMAction2 baselines to add (none: `--baselines` alone)')
    parser.add_argument(
        '--baseline-depth', type=int, default=50,
        help='ResNet depth of the baselines')
    parser.add_argument(
        '--num-classes', type=int, default=None,
        help='classes of the baselines (default: the first config\'s '
        'cls_head.num_classes, else 400)')
    parser.add_argument('--input-size', type=int, default=224)
    parser.add_argument(
        '--frames', type=int, default=8,
        help='segments per clip (2D) or frames per clip (3D)')
    parser.add_argument('--batch', type=int, default=1, help='clips per step')
    parser.add_argument('--repeats', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch CPU threads (default: torch\'s choice)')
    parser.add_argument('--no-train', action='store_true',
                        help='skip the training-step timing')
    parser.add_argument('--out', help='write the results as JSON here')
    parser.add_argument('--plot', help='accuracy-vs-latency PNG to write')
    parser.add_argument('--accuracy-json',
                        help='top-1 per config (seed_study.py output)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='overrides applied to every config')
    args = parser.parse_args(argv)
    if not args.configs and not args.baselines:
        parser.error('nothing to benchmark: give configs and/or baselines')
    if args.plot and not args.accuracy_json:
        parser.error('--plot needs --accuracy-json')
    for name in ('input_size', 'frames', 'batch', 'repeats'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    if args.warmup < 0:
        parser.error('--warmup must be >= 0')
    return args


def baseline_model_cfg(kind, depth, num_classes, num_segments):
    """MMAction2's TSN / TSM recognizer config (ImageNet init removed)."""
    in_channels = 512 if depth < 50 else 2048
    head = dict(
        num_classes=num_classes,
        in_channels=in_channels,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        average_clips='prob')
    if kind == 'tsn':
        backbone = dict(
            type='ResNet', depth=depth, pretrained=None, norm_eval=False)
        head.update(type='TSNHead', dropout_ratio=0.4, init_std=0.01)
    else:
        backbone = dict(
            type='ResNetTSM', depth=depth, pretrained=None,
            pretrained2d=False, norm_eval=False, shift_div=8,
            num_segments=num_segments)
        head.update(type='TSMHead', num_segments=num_segments,
                    dropout_ratio=0.5, init_std=0.001, is_shift=True)
    return dict(
        type='Recognizer2D', backbone=backbone, cls_head=head,
        data_preprocessor=dict(
            type='ActionDataPreprocessor', format_shape='NCHW', **_NORM))


class Entry:
    """One model under test with its inputs and optimizer."""

    def __init__(self, name, model, shape, num_classes, device):
        self.name, self.shape = name, tuple(shape)
        self.model = model.to(device)
        self.params = count_params(model)
        self.flops = count_flops(model, torch.randn((1, ) + self.shape[1:],
                                                    device=device))
        self.inputs = torch.randn(self.shape, device=device)
        labels = torch.randint(num_classes, (self.shape[0], ), device=device)
        self.samples = [
            ActionDataSample().set_gt_label(lbl.view(1)) for lbl in labels
        ]
        self.optim = torch.optim.SGD(
            model.parameters(), lr=1e-4, momentum=0.9)
        self.infer_s, self.train_s = [], []

    def infer(self):
        with torch.no_grad():
            self.model(self.inputs, mode='tensor', stage='head')

    def train_step(self):
        losses = self.model(self.inputs, self.samples, mode='loss')
        loss, _ = self.model.parse_losses(losses)
        self.optim.zero_grad(set_to_none=True)
        loss.backward()
        self.optim.step()


def _timed(fn, device):
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    fn()
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


def load_config(path, cfg_options):
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def build_entries(args, device):
    """The baselines (TSN first) followed by the configs' models."""
    cfgs = [load_config(path, args.cfg_options) for path in args.configs]
    classes = args.num_classes
    if classes is None and cfgs:
        classes = cfgs[0].model.get('cls_head', {}).get('num_classes')
    classes = classes or 400
    entries = []
    for kind in sorted(set(args.baselines), key=['tsn', 'tsm'].index):
        model = build_recognizer(
            baseline_model_cfg(kind, args.baseline_depth, classes,
                               args.frames))
        shape = (args.batch, args.frames, 3, args.input_size,
                 args.input_size)
        name = f'mmaction {kind.upper()}-R{args.baseline_depth}'
        entries.append(Entry(name, model, shape, classes, device))
    for path, cfg in zip(args.configs, cfgs):
        name = osp.splitext(osp.basename(path))[0]
        model_cfg, _ = prepare_model_cfg(cfg, num_segments=args.frames)
        try:
            model = build_recognizer(
                model_cfg, default_scope=cfg.get('default_scope', 'mmaction'))
            shape = view_input_shape(
                view_spec(cfg), args.batch, args.frames, args.input_size)
            num_classes = model_cfg.get('cls_head', {}).get('num_classes', 2)
            entries.append(Entry(name, model, shape, num_classes, device))
        except Exception as exc:
            raise RuntimeError(f'{path}: building or tracing the model '
                               f'failed: {type(exc).__name__}: {exc}') from exc
    return entries


def run_benchmark(entries, args, device):
    """Warm up every model, then time them round-robin."""
    phases = [('infer', 'infer_s')]
    if not args.no_train:
        phases.append(('train_step', 'train_s'))
    for method, _ in phases:
        for entry in entries:
            entry.model.train(method == 'train_step')
            for _ in range(args.warmup):
                getattr(entry, method)()
    for _ in range(args.repeats):
        for method, store in phases:
            for entry in entries:
                entry.model.train(method == 'train_step')
                getattr(entry, store).append(
                    _timed(getattr(entry, method), device))
    for entry in entries:
        entry.model.eval()


def summarise(entries, batch):
    """One result dict per entry (latencies in ms, ratios vs the first)."""
    rows = []
    for entry in entries:
        row = dict(
            model=entry.name, input_shape=list(entry.shape),
            params=entry.params, flops=entry.flops)
        for key, times in (('infer', entry.infer_s), ('train', entry.train_s)):
            if times:
                median = statistics.median(times)
                row[f'{key}_ms'] = median * 1e3
                row[f'{key}_clips_per_s'] = batch / median
        rows.append(row)
    ref = rows[0]
    for row in rows:
        row['flops_ratio'] = row['flops'] / ref['flops']
        for key in ('infer', 'train'):
            if f'{key}_ms' in row:
                row[f'{key}_ratio'] = row[f'{key}_ms'] / ref[f'{key}_ms']
    return rows


def markdown_table(rows):
    def fmt(row, key, spec):
        return format(row[key], spec) if key in row else '-'

    lines = ['| ' + ' | '.join(COLUMNS) + ' |',
             '|' + '---|' * len(COLUMNS)]
    for r in rows:
        shape = r['input_shape']
        cells = [
            r['model'], 'x'.join(str(s) for s in shape),
            f'{r["params"] / 1e6:.3f}', f'{r["flops"] / 1e9:.3f}',
            f'{r["flops_ratio"]:.2f}', fmt(r, 'infer_ms', '.2f'),
            fmt(r, 'infer_clips_per_s', '.2f'), fmt(r, 'infer_ratio', '.2f'),
            fmt(r, 'train_ms', '.2f'), fmt(r, 'train_clips_per_s', '.2f'),
            fmt(r, 'train_ratio', '.2f')
        ]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def load_accuracies(path):
    """``{name: (mean, std)}`` (top-1 in %) from a seed-study JSON, or from
    a flat ``{name: value}`` / ``{name: {"mean", "std"}}`` mapping."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'--accuracy-json file not found: {path}')
    with open(path) as f:
        data = json.load(f)
    data = data.get('results', data)
    found = {}
    for name, value in data.items():
        if isinstance(value, dict):
            if value.get('mean') is None:
                continue
            found[name] = (float(value['mean']), float(value.get('std') or 0))
        elif isinstance(value, (int, float)):
            found[name] = (float(value), 0.)
    return found


def plot_accuracy_latency(rows, accuracies, path, title):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    points = [(r, accuracies[r['model']]) for r in rows
              if r['model'] in accuracies and 'infer_ms' in r]
    if not points:
        raise ValueError(
            f'--plot: no benchmarked model has an accuracy; models: '
            f'{[r["model"] for r in rows]}, accuracies for: '
            f'{sorted(accuracies)}')
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for row, (mean, std) in points:
        ax.errorbar(row['infer_ms'], mean, yerr=std, fmt='o', capsize=4)
        ax.annotate(row['model'], (row['infer_ms'], mean),
                    textcoords='offset points', xytext=(5, 5), fontsize=8)
    ax.set_xlabel('inference latency per batch (ms)')
    ax.set_ylabel('top-1 accuracy (%), mean \u00b1 std over seeds')
    ax.set_title(textwrap.fill(title, 80), fontsize=8)
    ax.margins(x=0.15, y=0.1)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        raise RuntimeError('--device cuda: no CUDA device is available')
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
        hw = torch.cuda.get_device_name(device)
    else:
        hw = f'{platform.processor() or platform.machine()}, ' \
             f'{torch.get_num_threads()} threads'
    accuracies = load_accuracies(args.accuracy_json) \
        if args.accuracy_json else {}
    entries = build_entries(args, device)
    run_benchmark(entries, args, device)
    rows = summarise(entries, args.batch)
    header = (f'device: {args.device} ({hw}); torch {torch.__version__}; '
              f'batch {args.batch}; {args.frames} segments; '
              f'{args.input_size}x{args.input_size}; median of '
              f'{args.repeats} (warmup {args.warmup})')
    print(header)
    print(f'ratios (x) relative to {rows[0]["model"]}; GFLOPs = '
          'multiply-adds of one clip (mmengine.analysis); ms = median '
          'latency of one batch\n')
    print(markdown_table(rows))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(setting=header, rows=rows), f, indent=2)
    if args.plot:
        plot_accuracy_latency(rows, accuracies, args.plot, header)
        print(f'\nplot written to {args.plot}')


if __name__ == '__main__':
    main()
