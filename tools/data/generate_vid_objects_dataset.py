# Copyright (c) OpenMMLab. All rights reserved.
"""Write the generated VID-style detection dataset
(mmtin/datasets/synthetic/vid_objects.py).

Usage:
    python tools/data/generate_vid_objects_dataset.py OUT_DIR
        [--train N] [--val N] [--frames F] [--size S] [--seed X]
        [--blur-prob P] [--occlusion-prob P] [--overwrite]

ImageNet VID's layout (Data/, Annotations/, ImageSets/ under OUT_DIR);
configs/lsts_vid/*_vid_objects.py read ``data/vid_objects``.
"""
import argparse
import time

from mmtin.datasets.synthetic.vid_objects import generate_vid_objects_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Generate the VID-style detection dataset')
    parser.add_argument('out_dir', help='output folder (empty or new)')
    parser.add_argument('--train', type=int, default=48,
                        help='training snippets')
    parser.add_argument('--val', type=int, default=16,
                        help='validation snippets')
    parser.add_argument('--frames', type=int, default=16)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--blur-prob', type=float, default=0.15)
    parser.add_argument('--occlusion-prob', type=float, default=0.15)
    parser.add_argument('--overwrite', action='store_true',
                        help='replace a dataset this tool wrote before')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    meta = generate_vid_objects_dataset(
        args.out_dir, num_videos=(args.train, args.val), frames=args.frames,
        size=args.size, seed=args.seed, blur_prob=args.blur_prob,
        occlusion_prob=args.occlusion_prob, overwrite=args.overwrite)
    print(f'wrote {meta["counts"]} to {args.out_dir} in '
          f'{time.time() - start:.1f} s')


if __name__ == '__main__':
    main()
