# Copyright (c) OpenMMLab. All rights reserved.
"""Time the TIN op (``mmtin.ops.linear_sampler``) against a plain copy.

The shapes are the ones TIN sees in a ResNet-50 (``shift_div=4``, T=8) for
one ``8x3x224x224`` clip: every bottleneck's conv1 input with C channels
gives the op an input ``[1, 8, C // 4, H, W]`` and 4 offsets. The baseline is
``x.clone()`` of the same input (forward) and ``x.clone()`` plus its backward
(forward+backward), i.e. the cost of touching the data once.

All candidates run interleaved in one process (op backends and the copy take
turns inside every repeat, so drifting machine load hits them alike); the
reported number is the median over ``--repeats`` repeats (minimum in
brackets).

On Linux/glibc the script first pins malloc's mmap and trim thresholds
(``mallopt``), so that freed megabyte-sized buffers are reused instead of
being unmapped and page-faulted in again on every call. Without that, small
VMs measure the kernel's page-fault cost (a "copy" of a 1.6 MB tensor then
costs milliseconds and swings 10x between runs) rather than the op; a
training process reaches the same reuse in steady state. ``--no-malloc-tuning``
turns it off.

Usage:
    python tools/analysis/benchmark_tin_op.py [--repeats 300]
        [--device cpu cuda] [--threads N] [--backends embedding_bag gather]
"""
import argparse
import ctypes
import statistics
import sys

import torch

from mmtin.analysis import time_interleaved
from mmtin.ops import linear_sampler

#: (layer, blocks, C, H) for ResNet-50 at 224x224 input: conv1 of block 0
#: of layers 2-4 still sees the previous stage's channels and resolution
#: (stride sits in conv2).
R50_TIN_LAYERS = [
    ('layer1.0', 1, 64, 56),
    ('layer1.1-2', 2, 256, 56),
    ('layer2.0', 1, 256, 56),
    ('layer2.1-3', 3, 512, 28),
    ('layer3.0', 1, 512, 28),
    ('layer3.1-5', 5, 1024, 14),
    ('layer4.0', 1, 1024, 14),
    ('layer4.1-2', 2, 2048, 7),
]
NUM_SEGMENTS = 8
SHIFT_DIV = 4
GROUPS = 4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=300,
                        help='timed repeats per candidate (median reported)')
    parser.add_argument('--warmup', type=int, default=20)
    parser.add_argument('--device', nargs='+', default=None,
                        help='devices (default: cpu, plus cuda if present)')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch.set_num_threads for CPU runs')
    parser.add_argument('--backends', nargs='+',
                        default=['embedding_bag', 'gather'])
    parser.add_argument('--no-backward', action='store_true',
                        help='time the forward only')
    parser.add_argument('--no-malloc-tuning', action='store_true',
                        help='keep glibc malloc defaults (see docstring)')
    return parser.parse_args()


def tune_malloc() -> bool:
    """Keep freed large buffers mapped (glibc only); True if applied."""
    if not sys.platform.startswith('linux'):
        return False
    try:
        libc = ctypes.CDLL('libc.so.6')
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(
        libc.mallopt(m_mmap_threshold, 1 << 30)
        and libc.mallopt(m_trim_threshold, (1 << 31) - 1))


def unique_shapes():
    """``{(F, H): [layer names]}`` in network order."""
    shapes = {}
    for name, blocks, channels, size in R50_TIN_LAYERS:
        key = (channels // SHIFT_DIV, size)
        shapes.setdefault(key, []).append((name, blocks))
    return shapes


def make_candidates(x, offset, grad, backends, backward):
    """name -> callable running one forward (and backward)."""

    def op(backend):
        if backward:

            def run():
                out = linear_sampler(x, offset, backend=backend)
                out.backward(grad)
                x.grad = None
                offset.grad = None
        else:

            def run():
                with torch.no_grad():
                    linear_sampler(x, offset, backend=backend)

        return run

    def copy():
        if backward:
            out = x.clone()
            out.backward(grad)
            x.grad = None
        else:
            with torch.no_grad():
                x.clone()

    cands = {f'op[{b}]': op(b) for b in backends}
    cands['copy'] = copy
    return cands


def time_candidates(cands, device, repeats, warmup):
    """Median and minimum microseconds per candidate, interleaved."""
    times = time_interleaved(list(cands.items()), repeats, warmup, device)
    return {
        name: (statistics.median(ts) * 1e6, min(ts) * 1e6)
        for name, ts in times.items()
    }


def bench_device(device, args):
    shapes = unique_shapes()
    modes = ['forward'] if args.no_backward else ['forward', 'fwd+bwd']
    rows = []
    totals = {}
    for (folds, size), layers in shapes.items():
        gen = torch.Generator().manual_seed(0)
        x = torch.randn(1, NUM_SEGMENTS, folds, size, size, generator=gen)
        # offsets as TIN produces them: (o0, o1, -o0, -o1) in (-2, 2)
        half = 4 * (torch.rand(1, 2, generator=gen) - 0.5)
        offset = torch.cat([half, -half], 1)
        x = x.to(device).requires_grad_(True)
        offset = offset.to(device).requires_grad_(True)
        grad = torch.randn(x.shape, generator=gen).to(device)
        count = sum(blocks for _, blocks in layers)
        for mode in modes:
            cands = make_candidates(x, offset, grad, args.backends,
                                    backward=mode == 'fwd+bwd')
            res = time_candidates(cands, device, args.repeats, args.warmup)
            rows.append(((folds, size), layers, mode, res))
            for name, (us, _) in res.items():
                totals[(mode, name)] = totals.get((mode, name), 0) + count * us
    return rows, totals


def print_table(device, rows, totals, backends):
    """Median (and minimum) microseconds; ``x copy`` = median / copy's."""
    names = [f'op[{b}]' for b in backends]
    head = ['layers (count)', 'op input [N,T,F,H,W]', 'mode', 'copy (us)']
    for name in names:
        head += [f'{name} (us)', 'x copy']
    print(f'\n### {device} ({torch.get_num_threads()} threads, '
          f'torch {torch.__version__}); median (min) in us\n')
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '---|' * len(head))
    for (folds, size), layers, mode, res in rows:
        layer_txt = ', '.join(f'{n} ({b})' for n, b in layers)
        copy = res['copy'][0]
        line = [
            layer_txt, f'1x{NUM_SEGMENTS}x{folds}x{size}x{size}', mode,
            f'{copy:.1f} ({res["copy"][1]:.1f})'
        ]
        for name in names:
            med, low = res[name]
            line += [f'{med:.1f} ({low:.1f})', f'{med / copy:.2f}']
        print('| ' + ' | '.join(line) + ' |')
    for mode in sorted({m for m, _ in totals}, key=len):
        copy = totals[(mode, 'copy')]
        line = ['all 16 modules', '(sum of medians)', mode, f'{copy:.1f}']
        for name in names:
            us = totals[(mode, name)]
            line += [f'{us:.1f}', f'{us / copy:.2f}']
        print('| ' + ' | '.join(line) + ' |')


def main():
    args = parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    tuned = False if args.no_malloc_tuning else tune_malloc()
    devices = args.device or (['cpu', 'cuda']
                              if torch.cuda.is_available() else ['cpu'])
    print(f'TIN op vs x.clone(): median of {args.repeats} interleaved '
          f'repeats; R50 shift_div={SHIFT_DIV}, T={NUM_SEGMENTS}, one clip; '
          f'malloc thresholds pinned: {tuned}')
    for name in devices:
        device = torch.device(name)
        rows, totals = bench_device(device, args)
        print_table(device, rows, totals, args.backends)


if __name__ == '__main__':
    main()
