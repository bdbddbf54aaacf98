# Copyright (c) OpenMMLab. All rights reserved.
"""TIN-R50 against MMAction2's TSM-R50 and TSN-R50: latency per clip.

One process, models run interleaved (round-robin) so that machine noise hits
all of them alike. Measures inference (eval, no grad) and one training step
(forward, cross-entropy loss, backward, SGD step) on one clip of
``--frames`` frames (default 8x3x224x224, i.e. a batch of 8 frames), and
prints a markdown table with the median times and the ratios to TSM / TSN.

Targets: TIN-R50 <= 1.05x TSM-R50 at inference, <= 1.10x per training step.

Example:
    python tools/analysis/benchmark_tin.py --repeats 10 --threads 2
"""
import argparse
import os.path as osp
import statistics
import sys
import time

import torch

try:
    import mmtin  # noqa: F401
except ImportError:  # a source checkout that is not pip-installed
    sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..',
                                            '..')))
    import mmtin  # noqa: F401

from mmaction.registry import MODELS  # noqa: E402
from mmaction.structures import ActionDataSample  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--frames', type=int, default=8)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--classes', type=int, default=400)
    parser.add_argument('--repeats', type=int, default=10,
                        help='timed rounds per model and mode')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=None,
                        help='torch intra-op threads (default: torch)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--models', nargs='+', default=['TIN', 'TSM', 'TSN'],
                        choices=['TIN', 'TSM', 'TSN'])
    return parser.parse_args()


def backbone_cfg(name, frames):
    """R50 backbones with ImageNet init off (no downloads)."""
    if name == 'TIN':
        return dict(type='TINResNet', depth=50, num_segments=frames,
                    shift_div=4, pretrained=None)
    if name == 'TSM':
        return dict(type='ResNetTSM', depth=50, num_segments=frames,
                    shift_div=8, pretrained2d=False, pretrained=None)
    return dict(type='ResNet', depth=50, pretrained=None)


def build(name, frames, classes, device):
    model = MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=backbone_cfg(name, frames),
            cls_head=dict(
                type='TSMHead',
                num_classes=classes,
                in_channels=2048,
                num_segments=frames,
                is_shift=False,
                dropout_ratio=0.5)))
    # default PyTorch init is enough for timing (and init_weights logs a lot)
    model = model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    return model, optimizer


def _sync(device):
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def infer(model, inputs, samples, optimizer, device):
    model.eval()
    with torch.no_grad():
        model.extract_feat(inputs, stage='head')
    _sync(device)


def train_step(model, inputs, samples, optimizer, device):
    model.train()
    losses = model.loss(inputs, samples)
    optimizer.zero_grad()
    losses['loss_cls'].backward()
    optimizer.step()
    _sync(device)


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    init_default_scope('mmaction')
    torch.manual_seed(0)
    inputs = torch.randn(1, args.frames, 3, args.size, args.size,
                         device=args.device)
    samples = [ActionDataSample().set_gt_label(0)]
    models = {
        name: build(name, args.frames, args.classes, args.device)
        for name in args.models
    }
    modes = dict(inference=infer, train_step=train_step)
    times = {(n, m): [] for n in models for m in modes}
    for round_ in range(args.warmup + args.repeats):
        for mode, step in modes.items():
            for name, (model, optimizer) in models.items():
                start = time.perf_counter()
                step(model, inputs, samples, optimizer, args.device)
                if round_ >= args.warmup:
                    times[name, mode].append(time.perf_counter() - start)

    print(f'\nR50, {args.frames}x3x{args.size}x{args.size} clip, '
          f'{args.device}, {torch.get_num_threads()} threads, median of '
          f'{args.repeats} interleaved runs\n')
    header = '| model | params (M) |'
    for mode in modes:
        header += f' {mode} (ms) |'
        for ref in ('TSM', 'TSN'):
            if ref in models:
                header += f' {mode} / {ref} |'
    print(header)
    print('|' + '---|' * (header.count('|') - 1))
    medians = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    for name, (model, _) in models.items():
        params = sum(p.numel() for p in model.parameters()) / 1e6
        row = f'| {name}-R50 | {params:.2f} |'
        for mode in modes:
            row += f' {medians[name, mode]:.1f} |'
            for ref in ('TSM', 'TSN'):
                if ref in models:
                    ratio = medians[name, mode] / medians[ref, mode]
                    row += f' {ratio:.3f} |'
        print(row)
    if 'TIN' in models and 'TSM' in models:
        inf = medians['TIN', 'inference'] / medians['TSM', 'inference']
        trn = medians['TIN', 'train_step'] / medians['TSM', 'train_step']
        print(f'\ntargets: inference TIN/TSM {inf:.3f} (<= 1.05: '
              f'{"met" if inf <= 1.05 else "missed"}), train step '
              f'{trn:.3f} (<= 1.10: {"met" if trn <= 1.10 else "missed"})')


if __name__ == '__main__':
    main()
