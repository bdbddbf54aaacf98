# Copyright (c) OpenMMLab. All rights reserved.
"""Parameters and GFLOPs of MoViNet and 3D ResNet-RS, next to the published
numbers, plus the per-frame latency of streaming MoViNet on this CPU.

FLOPs are counted by ``mmengine.analysis.FlopAnalyzer`` (one multiply-add =
one FLOP; convolutions, linear layers and BatchNorm) on the backbone plus
head. Neither network has a temporal stride after its stem, so the count is
exactly affine in the number of frames (per-frame layers plus the pooled SE
and head layers, which do not depend on T): it is taken on two short clips
(``--t`` and ``2 * --t`` frames) and extrapolated to the published clip
length (``--check-linear`` also counts the full A0 clip to show that the two
agree).

Usage::

    python tools/analysis/movinet_resnet3d_rs_complexity.py [--models a0 a1]
        [--latency] [--threads 1]
"""
import argparse
import os.path as osp
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
from mmengine.analysis import FlopAnalyzer  # noqa: E402

# name: (model cfg, published (T, H, W), published GFLOPs or None, classes)
MOVINET = {
    f'movinet-{a}': (a, shape, gflops)
    for a, shape, gflops in [
        ('a0', (50, 172, 172), 2.7),
        ('a1', (50, 172, 172), 6.0),
        ('a2', (50, 224, 224), 10.0),
        ('a3', (120, 256, 256), 57.0),
        ('a4', (80, 290, 290), 110.0),
        ('a5', (120, 320, 320), 280.0),
    ]
}
PROJECT = dict(a0=480, a1=600, a2=640, a3=744, a4=856, a5=992)
RS_DEPTHS = (50, 101, 152, 200, 270, 300, 350)
STREAM = dict(
    causal=True, conv_type='2plus1d', se_type='2plus3d',
    act_cfg=dict(type='HSwish'), gate_cfg=dict(type='HSigmoid'))


def movinet_model(arch, stream=False, num_classes=600):
    backbone = dict(type='MoViNet', arch=arch)
    if stream:
        backbone.update(STREAM, use_pos_encoding=arch in ('a3', 'a4', 'a5'))
    return (MODELS.build(backbone),
            MODELS.build(
                dict(
                    type='MoViNetHead',
                    num_classes=num_classes,
                    in_channels=PROJECT[arch])))


def rs_model(depth, num_classes=400):
    return (MODELS.build(dict(type='ResNet3dRS', depth=depth)),
            MODELS.build(
                dict(type='I3DHead', num_classes=num_classes,
                     in_channels=2048)))


class Whole(torch.nn.Module):

    def __init__(self, backbone, head):
        super().__init__()
        self.backbone, self.head = backbone, head

    def forward(self, x):
        return self.head(self.backbone(x))


def gflops(model, t, h, w):
    fa = FlopAnalyzer(model.eval(), (torch.zeros(1, 3, t, h, w), ))
    fa.unsupported_ops_warnings(False)
    fa.uncalled_modules_warnings(False)
    with torch.no_grad():
        return fa.total() / 1e9


def gflops_at(model, t, h, w, t_count):
    """GFLOPs at ``t`` frames, extrapolated from ``t_count`` and
    ``2 * t_count`` frames (exact for FLOPs affine in T)."""
    g1 = gflops(model, t_count, h, w)
    g2 = gflops(model, 2 * t_count, h, w)
    return g1 + (g2 - g1) * (t - t_count) / t_count


def stream_latency(arch, size, frames=20, warmup=3):
    backbone, head = movinet_model(arch, stream=True)
    states = {}
    x = torch.rand(1, 3, 1, size, size)
    times = []
    with torch.no_grad():
        for i in range(warmup + frames):
            t0 = time.perf_counter()
            feat, states = backbone(x, states)
            head(feat.mean(dim=(2, 3, 4)))
            if i >= warmup:
                times.append(time.perf_counter() - t0)
    times.sort()
    return 1000 * times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--models', nargs='*',
        default=['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'rs50', 'rs101'],
        help='a0..a5 (base and stream) and/or rs50..rs350')
    parser.add_argument('--t', type=int, default=2,
                        help='frames to count on (extrapolated to the clip)')
    parser.add_argument('--check-linear', action='store_true',
                        help='also count A0 on its full 50-frame clip')
    parser.add_argument('--latency', action='store_true',
                        help='median per-frame latency of the stream model')
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    rows = []
    for name in args.models:
        if name.startswith('rs'):
            depth = int(name[2:])
            model = Whole(*rs_model(depth))
            t, h, w = 32, 224, 224
            tc = max(2, args.t + args.t % 2)  # stem stride 2: even T
            g = gflops_at(model, t, h, w, tc)
            n = sum(p.numel() for p in model.parameters())
            rows.append((f'3D ResNet-RS-{depth}', f'{t}x{h}x{w}', n, g, None,
                         None))
            continue
        _, (t, h, w), pub = MOVINET[f'movinet-{name}']
        for stream in (False, True):
            model = Whole(*movinet_model(name, stream))
            g = gflops_at(model, t, h, w, args.t)
            n = sum(p.numel() for p in model.parameters())
            lat = None
            if stream and args.latency:
                lat = stream_latency(name, h)
            label = f'MoViNet-{name.upper()}-{"Stream" if stream else "Base"}'
            rows.append((label, f'{t}x{h}x{w}', n, g,
                         None if stream else pub, lat))
    if args.check_linear:
        model = Whole(*movinet_model('a0'))
        rows.append(('MoViNet-A0-Base (full clip)', '50x172x172',
                     sum(p.numel() for p in model.parameters()),
                     gflops(model, 50, 172, 172), 2.7, None))

    header = ('model', 'input TxHxW', 'params (M)', 'GFLOPs', 'published',
              'stream ms/frame')
    print('| ' + ' | '.join(header) + ' |')
    print('|' + '---|' * len(header))
    for label, shape, n, g, pub, lat in rows:
        print(f'| {label} | {shape} | {n / 1e6:.2f} | {g:.2f} | '
              f'{"-" if pub is None else pub} | '
              f'{"-" if lat is None else f"{lat:.1f}"} |')
    print(f'\nparams include a 600-class MoViNetHead / 400-class I3DHead; '
          f'torch threads: {args.threads}')


if __name__ == '__main__':
    main()
