# Copyright (c) OpenMMLab. All rights reserved.
"""Write the temporal-order demo dataset (mmtin.datasets.synthetic).

Usage:
    python tools/data/generate_demo_dataset.py OUT_DIR [--num-videos N]
        [--frames F] [--size S] [--seed X]

Class 0 is an object moving (mostly) rightwards, class 1 the exact
time-reversal of the same frames; the configs in configs/demo/ read OUT_DIR
``data/demo``.
"""
import argparse
import time

from mmtin.datasets.synthetic.temporal_order import generate_demo_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Generate the temporal-order demo dataset')
    parser.add_argument('out_dir', help='output folder, e.g. data/demo')
    parser.add_argument(
        '--num-videos', type=int, default=600,
        help='total number of videos (even: twin pairs)')
    parser.add_argument(
        '--frames', type=int, default=16, help='frames per video')
    parser.add_argument(
        '--size', type=int, default=64, help='frame height and width')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    meta = generate_demo_dataset(
        args.out_dir,
        num_videos=args.num_videos,
        frames=args.frames,
        size=args.size,
        seed=args.seed)
    counts = ', '.join(f'{k} {v}' for k, v in meta['counts'].items())
    print(f'wrote {args.num_videos} videos ({counts}) of {args.frames} '
          f'frames at {args.size}x{args.size} to {args.out_dir} in '
          f'{time.time() - start:.1f} s')


if __name__ == '__main__':
    main()
