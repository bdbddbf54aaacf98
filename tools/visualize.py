# Copyright (c) OpenMMLab. All rights reserved.
"""Draw what a model does on a video.

Usage:
    python tools/visualize.py KIND CONFIG CHECKPOINT VIDEO --out OUT
        [--labels LABEL_MAP] [--window N] [--stride N] [--fps F]
        [--position X Y] [--device cpu]

KIND:
    top5      top-5 classes of sliding windows: OUT.gif/.mp4 + OUT.png
    adafocus  AdaFocus's patches on the frames: OUT.gif/.mp4 + OUT.png grid
    adamml    AdaMML's modality per segment: OUT.png timeline
    lsts      LSTS's sampling locations p + o_k: OUT.png
    tin       TIN's learned offsets and weights per layer: OUT.png

CHECKPOINT may be ``none`` (random weights). See docs/visualization.md.
"""
import argparse

from mmtin.apis import build_recognizer
from mmtin.visualization import KINDS
from mmtin.visualization.media import load_labels


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Draw what a model does on a video (PNG, GIF, MP4)')
    parser.add_argument('kind', help=f'one of {sorted(KINDS)}')
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help="checkpoint file, or 'none' for "
                        'random weights')
    parser.add_argument('video', help='video file')
    parser.add_argument('--out', required=True,
                        help='output file: .gif/.mp4 for top5 and adafocus '
                        '(a .png is written beside it), .png otherwise')
    parser.add_argument('--labels', help='label map, one class name a line')
    parser.add_argument('--window', type=int,
                        help='top5: frames per window (default: one clip)')
    parser.add_argument('--stride', type=int,
                        help='top5: frames between windows (default: half '
                        'a window)')
    parser.add_argument('--fps', type=float,
                        help='frame rate of the animation')
    parser.add_argument('--position', type=int, nargs=2, metavar=('X', 'Y'),
                        help='lsts: feature cell of the current frame '
                        '(default: the centre)')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    return parser.parse_args(argv)


def kind_options(args) -> dict:
    """The keyword arguments of ``KINDS[args.kind]`` given on the command
    line; an option the kind does not take is an error naming both."""
    given = dict(window=args.window, stride=args.stride, fps=args.fps,
                 position=args.position)
    takes = dict(top5=('window', 'stride', 'fps'), adafocus=('fps', ),
                 adamml=(), lsts=('position', ), tin=())[args.kind]
    wrong = [k for k, v in given.items() if v is not None and k not in takes]
    if wrong:
        raise ValueError(f'{args.kind} takes no --{", --".join(wrong)}')
    return {k: v for k, v in given.items() if v is not None}


def main(argv=None):
    """Draw; returns the written files (``{name: path}``)."""
    args = parse_args(argv)
    if args.kind not in KINDS:
        raise ValueError(f'KIND must be one of {sorted(KINDS)}, got '
                         f'{args.kind!r}')
    options = kind_options(args)
    labels = load_labels(args.labels)
    model = build_recognizer(args.config, checkpoint=args.checkpoint,
                             device=args.device)
    written = KINDS[args.kind](model, args.video, args.out, labels=labels,
                               **options)
    for name, path in written.items():
        print(f'{name}: {path}')
    return written


if __name__ == '__main__':
    main()
