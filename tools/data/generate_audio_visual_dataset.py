# Copyright (c) OpenMMLab. All rights reserved.
"""Write the audio-visual AdaMML demo dataset.

Usage:
    python tools/data/generate_audio_visual_dataset.py OUT_DIR
        [--num-per-class N] [--frames F] [--size S] [--seed X]
        [--picture-audio {random_tone,noise}]

See mmtin/datasets/synthetic/audio_visual.py; configs/adamml/*demo* read
``data/audio_visual``.
"""
import argparse
import os.path as osp
import sys

try:
    from mmtin.datasets.synthetic.audio_visual import \
        generate_audio_visual_dataset
except ImportError:  # run from a checkout without `pip install`
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
    from mmtin.datasets.synthetic.audio_visual import \
        generate_audio_visual_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Generate the audio-visual AdaMML demo dataset')
    parser.add_argument('out_dir', help='output folder, e.g. '
                        'data/audio_visual')
    parser.add_argument('--num-per-class', type=int, default=50)
    parser.add_argument('--frames', type=int, default=16)
    parser.add_argument('--size', type=int, default=32)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--picture-audio', default='random_tone',
        choices=('random_tone', 'noise'),
        help='sound of the picture-decided classes')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    meta = generate_audio_visual_dataset(
        args.out_dir, num_per_class=args.num_per_class, frames=args.frames,
        size=args.size, seed=args.seed,
        picture_audio=args.picture_audio)
    print(f'wrote {sum(meta["counts"].values())} videos {meta["counts"]} '
          f'to {args.out_dir}')


if __name__ == '__main__':
    main()
