# Copyright (c) OpenMMLab. All rights reserved.
"""TDN-R50/R101 against MMAction2's TSN-R50: FLOPs, parameters, inference
and training-step latency. Prints a markdown table.

Usage::

    python tools/analysis/benchmark_tdn.py [--segments 8] [--input-size 224]
        [--depth 50] [--repeats 5] [--warmup 1] [--threads N] [--no-train]
        [--device cpu|cuda] [--out bench_tdn.json]

Models (``pretrained=None``, random init, eval mode for inference):

* TDN: ``Recognizer2D`` + ``TDNResNet`` + ``TSMHead(is_shift=False)``,
  input ``(1, T*5, 3, S, S)`` (5 frames per segment).
* TSN: ``Recognizer2D`` + MMAction2 ``ResNet`` + ``TSNHead``, input
  ``(1, T, 3, S, S)``, i.e. the same T segments, one frame each.
* TSN + separable max pool (control): the same TSN with its stem max pool
  swapped for mmtin's ``SeparableMaxPool2d``, the pool TDN's stems use
  (same output; on CPU it skips the argmax indices). TDN / this row is the
  cost of TDN's temporal modules alone, without the faster pool.

FLOPs (one multiply-add = one FLOP, as MMAction2's model zoo and the spec's
GMACs) from ``mmengine.analysis.FlopAnalyzer`` and, as a cross-check, from
``torch.utils.flop_counter.FlopCounterMode`` / 2 (convolutions and matrix
products only). Latency: median over ``--repeats`` of a no-grad forward
from the normalised input to class scores, and of a training step
(``loss`` forward, backward, SGD step); repeats alternate between the
models so load drift affects both alike. ``--clock process`` measures the
CPU time of the process instead of wall time (single-threaded CPU runs on a
shared machine). Ratios are TDN / TSN.
"""
import argparse
import json
import logging
import os.path as osp
import platform
import statistics
import sys
import time

try:
    import mmtin  # noqa: F401  (compat fixes + registration)
except ImportError:  # run from a checkout without `pip install`
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
    import mmtin  # noqa: F401

import torch  # noqa: E402
from mmaction.registry import MODELS  # noqa: E402
from mmaction.structures import ActionDataSample  # noqa: E402
from mmengine.analysis import FlopAnalyzer  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from mmtin.models.layers.separable_max_pool import \
    SeparableMaxPool2d  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--segments', type=int, default=8)
    parser.add_argument('--input-size', type=int, default=224)
    parser.add_argument('--depth', type=int, default=50, choices=[50, 101],
                        help='depth of TDN (TSN stays R50)')
    parser.add_argument('--num-classes', type=int, default=174)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=None,
                        help='torch intra-op threads (CPU)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--clock', default='wall', choices=['wall', 'process'],
        help="'process': CPU time of this process (CPU, --threads 1 only), "
        'less sensitive to other load on a shared machine')
    parser.add_argument('--no-train', action='store_true',
                        help='skip the training-step timing')
    parser.add_argument('--no-flops', action='store_true')
    parser.add_argument('--out', help='write the results as JSON')
    return parser.parse_args(argv)


def model_cfgs(args):
    """``{name: (model cfg, frames per segment)}``."""
    t_len, k = args.segments, args.num_classes
    head = dict(in_channels=2048, num_classes=k, dropout_ratio=0.5,
                init_std=0.001, average_clips='prob')
    tdn = dict(
        type='Recognizer2D',
        backbone=dict(type='TDNResNet', depth=args.depth,
                      num_segments=t_len),
        cls_head=dict(type='TSMHead', num_segments=t_len, is_shift=False,
                      consensus=dict(type='AvgConsensus', dim=1), **head))
    tsn = dict(
        type='Recognizer2D',
        backbone=dict(type='ResNet', depth=50, pretrained=None),
        cls_head=dict(type='TSNHead', consensus=dict(type='AvgConsensus',
                                                     dim=1), **head))
    return {
        f'TDN-R{args.depth}': (tdn, 5),
        'TSN-R50': (tsn, 1),
        'TSN-R50 + separable max pool': (tsn, 1)
    }


class _Scores(torch.nn.Module):
    """Input -> class scores, for the FLOP counters."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model.extract_feat(x, stage='head', test_mode=True)[0]


def count_flops(model, inputs):
    wrapped = _Scores(model).eval()
    with torch.no_grad():
        analyzer = FlopAnalyzer(wrapped, inputs)
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        mm_flops = analyzer.total()
        counter = FlopCounterMode(display=False)
        with counter:
            wrapped(inputs)
    return mm_flops, counter.get_total_flops() / 2


def _sync(device):
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    init_default_scope('mmaction')
    # no per-parameter init report from init_weights()
    MMLogger.get_current_instance().setLevel(logging.WARNING)
    size, t_len, device = args.input_size, args.segments, args.device
    if args.clock == 'process' and (device != 'cpu'
                                    or torch.get_num_threads() != 1):
        raise ValueError('--clock process needs --device cpu --threads 1')
    clock = time.process_time if args.clock == 'process' else \
        time.perf_counter
    models, inputs, rows = {}, {}, {}
    for name, (cfg, frames) in model_cfgs(args).items():
        torch.manual_seed(0)
        model = MODELS.build(cfg)
        model.init_weights()
        if 'separable' in name:
            model.backbone.maxpool = SeparableMaxPool2d(
                kernel_size=3, stride=2, padding=1)
        models[name] = model.to(device)
        inputs[name] = torch.randn(1, t_len * frames, 3, size, size,
                                   device=device)
        rows[name] = dict(
            model=name,
            input=f'{t_len}x{frames}x{size}^2',
            params_m=sum(p.numel() for p in model.parameters()) / 1e6,
            infer_ms=[],
            train_ms=[])
        if not args.no_flops:
            mm, fc = count_flops(model, inputs[name])
            rows[name].update(gflops=mm / 1e9, gflops_fcm=fc / 1e9)
    optims = {
        n: torch.optim.SGD(m.parameters(), lr=1e-4, momentum=0.9)
        for n, m in models.items()
    }
    samples = [ActionDataSample().set_gt_label(0)]

    def infer(name):
        model = models[name].eval()
        with torch.no_grad():
            _sync(device)
            start = clock()
            model.extract_feat(inputs[name], stage='head', test_mode=True)
            _sync(device)
        return (clock() - start) * 1e3

    def train(name):
        model = models[name].train()
        _sync(device)
        start = clock()
        losses = model(inputs[name], samples, mode='loss')
        optims[name].zero_grad()
        sum(losses.values()).backward()
        optims[name].step()
        _sync(device)
        return (clock() - start) * 1e3

    for i in range(args.warmup + args.repeats):
        for name in models:
            ms = infer(name)
            if i >= args.warmup:
                rows[name]['infer_ms'].append(ms)
            if not args.no_train:
                ms = train(name)
                if i >= args.warmup:
                    rows[name]['train_ms'].append(ms)
    for row in rows.values():
        for key in ('infer_ms', 'train_ms'):
            row[key] = statistics.median(row[key]) if row[key] else None
    print_table(args, list(rows.values()))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(rows=list(rows.values()), args=vars(args),
                           torch=torch.__version__,
                           threads=torch.get_num_threads(),
                           machine=platform.processor() or
                           platform.machine()), f, indent=2)
    return rows


def _fmt(v, spec='.1f'):
    return '-' if v is None else format(v, spec)


def print_table(args, rows):
    tdn = rows[0]
    print(f'device {args.device}, threads {torch.get_num_threads()}, '
          f'{args.clock} clock, median of {args.repeats} (warm-up '
          f'{args.warmup}), batch 1\n')
    print('| model | input | params (M) | GFLOPs (mmengine) | GMACs '
          '(FlopCounterMode/2) | infer ms | train-step ms |')
    print('|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['model']} | {r['input']} | {r['params_m']:.2f} | "
              f"{_fmt(r.get('gflops'))} | {_fmt(r.get('gflops_fcm'))} | "
              f"{_fmt(r['infer_ms'], '.0f')} | "
              f"{_fmt(r['train_ms'], '.0f')} |")
    for base in rows[1:]:

        def ratio(key):
            a, b = tdn.get(key), base.get(key)
            return None if a is None or b is None else a / b

        print(f"| ratio {tdn['model']} / {base['model']} | | "
              f"{ratio('params_m'):.2f}x | {_fmt(ratio('gflops'), '.2f')}x | "
              f"{_fmt(ratio('gflops_fcm'), '.2f')}x | "
              f"{_fmt(ratio('infer_ms'), '.2f')}x | "
              f"{_fmt(ratio('train_ms'), '.2f')}x |")


if __name__ == '__main__':
    main()
