# Copyright (c) OpenMMLab. All rights reserved.
"""Parameters, FLOPs and latency of recognizers, one interleaved run.

Usage::

    python tools/analysis/benchmark.py [CONFIG ...] [--models NAME ...] \
        [--preset tin|tdn|movinet-rs|demo|onnx|efficiency] [--frames 8] \
        [--input-size 224] [--batch 1] [--repeats 20] [--warmup 3] \
        [--device cpu|cuda] [--threads N] [--clock wall|process] \
        [--no-infer] [--no-train] [--no-flops] [--flop-check] \
        [--flops-frames K] [--stream-latency [--chunk 1]] [--onnxruntime] \
        [--deploy] [--depth D] [--ref NAME ...] [--out bench.json] \
        [--plot out.png --accuracy-json results.json] [--cfg-options k=v]
    python tools/analysis/benchmark.py --preset efficiency [--json OUT.json] \
        [--scale published demo] [--batches 1 8] [--compile] \
        [--amp bf16|fp16] [--onnxruntime] [--only NAME ...]

Models are config files (built without pretrained downloads; every
``num_segments`` set to ``--frames`` when given) or names built in
:mod:`mmtin.analysis.named_models`: ``tsn-r50``, ``tsm-r50``,
``tin-r50``, ``tdn-r50`` (any depth), ``tsn-r50-sepool``,
``movinet-a0``..``a5`` and ``movinet-aX-stream``, ``rs50``..``rs350``.
2D models take ``--frames`` segments (each with its frames per segment,
5 for TDN) of ``--input-size`` pixels; 3D named models take their
published clip unless ``--frames`` / ``--input-size`` are given.

Measured per model, in one process: parameters; FLOPs of one clip
(``mmengine.analysis``, one multiply-add = one FLOP as in MMAction2's model
zoo; ``--flop-check`` adds PyTorch's ``FlopCounterMode``/2;
``--flops-frames K`` extrapolates 3D counts from K and 2K frames, exact for
FLOPs affine in T); the median latency over ``--repeats`` of a no-grad
forward from the normalised input to class scores (the module the ONNX
export traces), of a training step (``loss`` forward, backward, SGD step),
of one stream step (``--stream-latency``, stream models) and of the same
forward in onnxruntime (``--onnxruntime``, CPU, as many threads as torch).
All timed calls run round-robin in one loop, so load drift on the machine
hits every model alike. Ratio columns are relative to each ``--ref`` row
(default: the first). ``--deploy`` times inference on copies converted by
``mmtin.models.utils.switch_to_deploy`` (training steps and FLOPs use the
plain models).

``--preset`` fills in the models and settings of a README table; explicit
options override it (``--preset tin --repeats 3``). ``--plot`` draws top-1
(``--accuracy-json``, from ``tools/analysis/seed_study.py``; matched by
config file name) against inference latency.

``--preset efficiency`` times each system of mmtin against its plain model
(:mod:`mmtin.analysis.efficiency_cases`: AdaFocus with and without early
exit vs TSN on whole frames, AdaMML vs ``keep_all``, LSTS propagation vs
the backbone on every frame, TDN-R50 deploy vs TSN-R50, TIN-R50 vs
TSM-R50, MoViNet-A0/A2 stream vs base on 8 and 64 frames) through the real
``predict`` path, interleaved, at every ``--batches`` size and ``--scale``,
and prints FLOPs, latency and peak-memory ratios with the spread;
``--compile`` adds ``torch.compile`` rows (compile time separately),
``--onnxruntime`` onnxruntime rows of the exportable pairs, ``--fold-bn``
rows with BatchNorm folded into the convolutions on both sides,
``--channels-last`` rows with both sides' conv weights channels-last;
``--json`` (= ``--out``) writes the rows.
"""
import argparse
import json
import os.path as osp
import platform
import re
import sys
import textwrap

import torch
from mmengine.config import Config, DictAction

import mmtin  # noqa: F401  (registers mmtin's models)
from mmtin.analysis import (PRESETS, BenchmarkEntry, named_model,
                            result_table, run_phases, summarise)
from mmtin.apis import build_recognizer, view_input_shape, view_spec


def build_parser():
    parser = argparse.ArgumentParser(
        description='Params, FLOPs and latency of recognizers')
    parser.add_argument('configs', nargs='*', help='config files')
    parser.add_argument('--models', nargs='+', default=[],
                        help='config files or built-in model names')
    parser.add_argument('--preset', choices=sorted(PRESETS),
                        help='models and settings of a README table')
    parser.add_argument('--frames', type=int, default=None,
                        help='segments (2D) or frames (3D) per clip')
    parser.add_argument('--input-size', type=int, default=None,
                        help='square crop size (default: 224 / the '
                        'config\'s / the published clip\'s)')
    parser.add_argument('--batch', type=int, default=1, help='clips per call')
    parser.add_argument('--num-classes', type=int, default=None,
                        help='classes of named models (default 400; '
                        'MoViNet 600)')
    parser.add_argument('--repeats', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch CPU threads (default: torch\'s choice)')
    parser.add_argument('--clock', default='wall', choices=['wall', 'process'],
                        help='process: CPU time (CPU, --threads 1)')
    parser.add_argument('--no-infer', action='store_true')
    parser.add_argument('--no-train', action='store_true')
    parser.add_argument('--no-flops', action='store_true')
    parser.add_argument('--flop-check', action='store_true',
                        help='also count with FlopCounterMode')
    parser.add_argument('--flops-frames', type=int, default=None,
                        help='extrapolate 3D FLOPs from K and 2K frames')
    parser.add_argument('--stream-latency', action='store_true',
                        help='time one stream step of stream models')
    parser.add_argument('--chunk', type=int, default=1,
                        help='frames per stream step')
    parser.add_argument('--onnxruntime', action='store_true',
                        help='time the forward in onnxruntime too (CPU)')
    parser.add_argument('--deploy', action='store_true',
                        help='time inference on switch_to_deploy() copies')
    parser.add_argument('--depth', type=int, default=None,
                        help='ResNet depth of the named 2D models (and of '
                        'the --ref names), e.g. 18 for a quick run')
    parser.add_argument('--ref', nargs='+', default=None,
                        help='reference rows of the ratio columns')
    parser.add_argument('--out', '--json', dest='out',
                        help='write the results as JSON here')
    parser.add_argument('--scale', nargs='+', default=None,
                        choices=['published', 'demo'],
                        help='efficiency preset: scales to run')
    parser.add_argument('--batches', nargs='+', type=int, default=None,
                        help='efficiency preset: batch sizes')
    parser.add_argument('--compile', action='store_true',
                        help='efficiency preset: add torch.compile rows')
    parser.add_argument('--fold-bn', action='store_true',
                        help='efficiency preset: add rows with BatchNorm '
                        'folded into the convolutions on both sides')
    parser.add_argument('--channels-last', action='store_true',
                        help='efficiency preset: add rows with both sides\' '
                        'conv weights channels-last')
    parser.add_argument('--amp', choices=['bf16', 'fp16'], default=None,
                        help='efficiency preset: autocast both sides')
    parser.add_argument('--only', nargs='+', default=None,
                        help='efficiency preset: rows whose name contains '
                        'one of these')
    parser.add_argument('--plot', help='accuracy-vs-latency PNG to write')
    parser.add_argument('--accuracy-json',
                        help='top-1 per config (seed_study.py output)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='overrides applied to every config')
    return parser


def parse_args(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.preset:  # the preset's values become the defaults
        parser.set_defaults(**PRESETS[args.preset])
        args = parser.parse_args(argv)
    args.models = list(args.configs) + list(args.models)
    if args.preset == 'efficiency':
        if args.models:
            parser.error('--preset efficiency builds its own models')
        if any(b < 1 for b in args.batches):
            parser.error('--batches must be >= 1')
        return args
    if not args.models:
        parser.error('nothing to benchmark: give configs, --models or '
                     '--preset')
    if args.plot and not args.accuracy_json:
        parser.error('--plot needs --accuracy-json')
    for name in ('frames', 'input_size', 'batch', 'repeats', 'chunk',
                 'flops_frames', 'threads', 'depth'):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    if args.warmup < 0:
        parser.error('--warmup must be >= 0')
    if args.depth:
        args.models = [
            m if m.endswith('.py') else re.sub(r'-r\d+', f'-r{args.depth}',
                                               m) for m in args.models
        ]
        args.ref = args.ref and [
            re.sub(r'-R\d+', f'-R{args.depth}', r) for r in args.ref
        ]
    return args


#: the checkout (or the installed package's ``.mim`` folder) of this tool,
#: where relative preset configs such as ``configs/demo/...`` are found
#: when they are not under the working directory
TOOLS_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_config(path, cfg_options):
    if not osp.isfile(path) and not osp.isabs(path) and osp.isfile(
            osp.join(TOOLS_ROOT, path)):
        path = osp.join(TOOLS_ROOT, path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def build_entry(name, args, device):
    """One :class:`BenchmarkEntry` from a config file or a model name."""
    size = args.input_size
    if name.endswith('.py'):
        cfg = load_config(name, args.cfg_options)
        model_cfg, num_segments = cfg, args.frames
        label = osp.splitext(osp.basename(name))[0]
        shape = view_input_shape(view_spec(cfg), args.batch, args.frames, size)
        post, published = None, None
    else:
        spec = named_model(name, args.frames or 8, args.num_classes)
        model_cfg, label, num_segments = spec['cfg'], spec['name'], None
        post, published = spec['post_build'], spec['published_gflops']
        if spec['layout'] == '2d':
            s = size or 224
            shape = (args.batch, (args.frames or 8) * spec['clip_len'], 3, s,
                     s)
        else:
            s = size or spec['size']
            shape = (args.batch, 1, 3, args.frames or spec['frames'], s, s)
    try:
        model = build_recognizer(model_cfg, num_segments=num_segments)
        if post is not None:
            model = post(model)
        entry = BenchmarkEntry(label, model, shape, device, published,
                               args.deploy)
        if not args.no_flops:
            entry.count_flops(args.flops_frames, args.flop_check)
    except Exception as exc:
        raise RuntimeError(f'{name}: building or tracing the model failed: '
                           f'{type(exc).__name__}: {exc}') from exc
    return entry


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


def run_efficiency_preset(args, device):
    """``--preset efficiency``: print the table, write ``--json``."""
    from mmtin.analysis.efficiency import efficiency_table, run_efficiency
    from mmtin.analysis.efficiency_cases import efficiency_cases
    cases = [c for scale in args.scale for c in efficiency_cases(scale)]
    if args.only:
        cases = [c for c in cases if any(k in c.name for k in args.only)]
    torch.manual_seed(0)
    amp = dict(bf16=torch.bfloat16, fp16=torch.float16).get(args.amp)
    rows = run_efficiency(cases, args.batches, args.repeats, args.warmup,
                          device, compiled=args.compile, amp=amp,
                          onnxruntime=args.onnxruntime, fold_bn=args.fold_bn,
                          channels_last=args.channels_last)
    header = (f'device: {args.device}; torch {torch.__version__}; '
              f'{torch.get_num_threads()} threads; median of {args.repeats} '
              f'interleaved rounds (warmup {args.warmup}), system and plain '
              'model in one loop')
    print(header)
    print('ratios: system / plain model; latency - FLOPs: the goal of '
          'adaptive systems is <= 0.15\n')
    print(efficiency_table(rows))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(rows, f, indent=2)
    return rows


def main(argv=None):
    args = parse_args(argv)
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        raise RuntimeError('--device cuda: no CUDA device is available')
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.preset == 'efficiency':
        return run_efficiency_preset(args, device)
    if args.clock == 'process' and (device.type != 'cpu'
                                    or torch.get_num_threads() != 1):
        raise ValueError('--clock process needs --device cpu --threads 1')
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
        hw = torch.cuda.get_device_name(device)
    else:
        hw = f'{platform.processor() or platform.machine()}, ' \
             f'{torch.get_num_threads()} threads'
    accuracies = load_accuracies(args.accuracy_json) \
        if args.accuracy_json else {}
    torch.manual_seed(0)
    entries = [build_entry(name, args, device) for name in args.models]
    phases = [p for p, off in (('infer', args.no_infer),
                               ('train', args.no_train),
                               ('stream', not args.stream_latency),
                               ('ort', not args.onnxruntime)) if not off]
    if 'ort' in phases:
        for entry in entries:
            entry.prepare_onnxruntime(torch.get_num_threads())
    times = run_phases(entries, phases, args.repeats, args.warmup, device,
                       args.clock, args.chunk) if phases else {}
    rows = summarise(entries, times, args.ref)
    timing = (f'{args.clock} clock, median of {args.repeats} interleaved '
              f'rounds (warmup {args.warmup})' if phases else 'not timed')
    header = (f'device: {args.device} ({hw}); torch {torch.__version__}; '
              f'batch {args.batch}; {timing}' +
              ('; deploy form' if args.deploy else ''))
    print(header)
    print('GFLOPs = multiply-adds of one clip (mmengine.analysis); ms = '
          'median latency of one batch; X / REF = ratio to row REF\n')
    print(result_table(rows))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(setting=header, args=vars(args), rows=rows), f,
                      indent=2)
    if args.plot:
        plot_accuracy_latency(rows, accuracies, args.plot, header)
        print(f'\nplot written to {args.plot}')
    return rows


if __name__ == '__main__':
    main()
    sys.exit(0)
