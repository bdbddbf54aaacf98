# Copyright (c) OpenMMLab. All rights reserved.
"""Write the small-object dataset (mmtin/datasets/synthetic/small_object.py).

Usage:
    python tools/data/generate_small_object_dataset.py OUT_DIR
        [--num-videos N] [--frames F] [--size S] [--object-size O]
        [--period P] [--seed X]

The class is the fine stripe texture inside one small red-ringed square
moving through a cluttered frame; configs/adafocus/ read OUT_DIR
``data/small_object``.
"""
import argparse
import os.path as osp
import sys
import time

try:
    from mmtin.datasets.synthetic.small_object import \
        generate_small_object_dataset
except ImportError:  # run from a checkout without `pip install`
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
    from mmtin.datasets.synthetic.small_object import \
        generate_small_object_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Generate the AdaFocus small-object dataset')
    parser.add_argument('out_dir', help='output folder, e.g. '
                        'data/small_object')
    parser.add_argument('--num-videos', type=int, default=960)
    parser.add_argument('--frames', type=int, default=8)
    parser.add_argument('--size', type=int, default=96)
    parser.add_argument('--object-size', type=int, default=16)
    parser.add_argument('--period', type=int, default=4)
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    meta = generate_small_object_dataset(
        args.out_dir, num_videos=args.num_videos, frames=args.frames,
        size=args.size, object_size=args.object_size, period=args.period,
        seed=args.seed)
    counts = ', '.join(f'{k} {v}' for k, v in meta['counts'].items())
    print(f'wrote {args.num_videos} videos ({counts}) of {args.frames} '
          f'frames at {args.size}x{args.size} (target '
          f'{meta["object_area_percent"]}% of the frame) to {args.out_dir} '
          f'in {time.time() - start:.1f} s')


if __name__ == '__main__':
    main()
