# Copyright (c) OpenMMLab. All rights reserved.
"""The 3D ResNet-RS scaling rule: a target in, the paper's model out, and
the params / GFLOPs of every published point.

Usage::

    python tools/analysis/resnet3d_rs_scaling.py --depth 152
    python tools/analysis/resnet3d_rs_scaling.py --gflops 300
    python tools/analysis/resnet3d_rs_scaling.py --table \
        [--points RS-50 RS-101] [--input-size 224] [--count-frames 4] \
        [--out table.json]

``--depth`` / ``--gflops`` print the point that
:func:`mmtin.models.utils.resnet3d_rs_scaling` returns. ``--table`` builds
each point's repository config (no downloads, 400 classes) and counts its
parameters and its FLOPs per view of ``frames x input-size^2``
(``mmtin.models.utils.flops.count_flops``, one multiply-add = one FLOP;
extrapolated exactly from ``--count-frames`` and twice as many frames by
``mmtin.models.utils.flops.count_flops_affine``, since 3D ResNet-RS FLOPs are
affine in the frame count). The paper's own GFLOPs are not in our sources:
that column says "unverified".
"""
import argparse
import json

import torch
from mmengine.config import Config

import mmtin  # noqa: F401
from mmtin.analysis import markdown_table
from mmtin.models.utils.flops import count_flops_affine, count_params
from mmtin.models.utils.resnet3d_rs_scaling import (resnet3d_rs_points,
                                                    resnet3d_rs_scaling)
from mmtin.apis import build_recognizer, prepare_model_cfg

COLUMNS = ('model', 'depth', 'blocks', 'frames', 'train / test crop',
           'params (M)', 'GFLOPs (mmtin count)', 'GFLOPs (paper)',
           'K400 top-1', 'K600 top-1')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='3D ResNet-RS scaling points: target -> model, table')
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument('--depth', type=int, help='target depth')
    target.add_argument('--gflops', type=float,
                        help='GFLOPs budget per 224-crop view')
    target.add_argument('--table', action='store_true',
                        help='count params / GFLOPs of the points')
    parser.add_argument('--frames', type=int, default=None,
                        help='with --depth: the clip length (32 or 48)')
    parser.add_argument('--points', nargs='+', default=None,
                        help='with --table: point names (default: all)')
    parser.add_argument('--input-size', type=int, default=224)
    parser.add_argument('--count-frames', type=int, default=4,
                        help='frames of the first of the two counts')
    parser.add_argument('--out', default=None, help='JSON file of the rows')
    return parser.parse_args(argv)


def count_point(point: dict, input_size: int, count_frames: int) -> dict:
    """Params and GFLOPs of one point's repository config.

    Args:
        point (dict): From :func:`resnet3d_rs_points`.
        input_size (int): Crop size of the counted view.
        count_frames (int): Frames of the first count (even).

    Returns:
        dict: The point with ``params`` and ``counted_gflops`` added.
    """
    cfg = Config.fromfile(point['config'])
    model_cfg, _ = prepare_model_cfg(cfg)
    model = build_recognizer(model_cfg, init_weights=False)
    view = torch.zeros(1, 1, 3, point['frames'], input_size, input_size)
    with torch.no_grad():
        flops = count_flops_affine(model, view, count_frames)
    return dict(point, params=count_params(model),
                counted_gflops=flops / 1e9, input_size=input_size)


def table_rows(rows):
    return [[
        r['name'], str(r['depth']), ', '.join(map(str, r['stage_blocks'])),
        f'{r["frames"]} x {r["frame_interval"]}',
        f'{r["train_crop"]} / {r["test_crop"]}', r['params'] / 1e6,
        r['counted_gflops'], 'unverified', r['k400'], r['k600']
    ] for r in rows]


def main(argv=None):
    args = parse_args(argv)
    if not args.table:
        point = resnet3d_rs_scaling(depth=args.depth, frames=args.frames,
                                    gflops=args.gflops)
        print(json.dumps(point, indent=2))
        return point
    points = resnet3d_rs_points()
    if args.points:
        names = [p['name'] for p in points]
        unknown = sorted(set(args.points) - set(names))
        if unknown:
            raise SystemExit(f'--points: unknown {unknown}; choose from '
                             f'{names}')
        points = [p for p in points if p['name'] in args.points]
    rows = [count_point(p, args.input_size, args.count_frames)
            for p in points]
    print(f'Per view of frames x {args.input_size}^2, 400 classes; '
          'train / test crop: stated for RS-50 only (RS-50 YAML).')
    print(markdown_table(COLUMNS, table_rows(rows)))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(rows, f, indent=2)
    return rows


if __name__ == '__main__':
    main()
