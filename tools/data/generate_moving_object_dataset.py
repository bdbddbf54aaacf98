# Copyright (c) OpenMMLab. All rights reserved.
"""Write the moving-object dataset (mmtin/datasets/synthetic/moving_object.py).

Usage:
    python tools/data/generate_moving_object_dataset.py OUT_DIR
        [--num-videos N] [--frames F] [--size S] [--seed X]

The class is the half of the frame (left / right) where a moving object
spends most frames; configs/lsts/*_moving_object.py read
``data/moving_object``.
"""
import argparse
import os.path as osp
import sys
import time

try:
    from mmtin.datasets.synthetic.moving_object import \
        generate_moving_object_dataset
except ImportError:  # run from a checkout without `pip install`
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
    from mmtin.datasets.synthetic.moving_object import \
        generate_moving_object_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Generate the LSTS moving-object dataset')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument('--num-videos', type=int, default=640)
    parser.add_argument('--frames', type=int, default=8)
    parser.add_argument('--size', type=int, default=32)
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    meta = generate_moving_object_dataset(
        args.out_dir, num_videos=args.num_videos, frames=args.frames,
        size=args.size, seed=args.seed)
    print(f'wrote {meta["counts"]} videos to {args.out_dir} in '
          f'{time.time() - start:.1f} s')


if __name__ == '__main__':
    main()
