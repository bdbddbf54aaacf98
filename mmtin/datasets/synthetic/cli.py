# Copyright (c) OpenMMLab. All rights reserved.
"""Command line of the synthetic dataset generators.

Usage::

    python -m mmtin.datasets.synthetic NAME OUT_DIR [options]

``NAME`` is one of :data:`GENERATORS` (``python -m mmtin.datasets.synthetic
NAME -h`` lists its options). It works from an installed wheel; the
``tools/data/generate_*_dataset.py`` scripts of a checkout call it.
"""
import argparse
import importlib
import time
from typing import Callable, Dict, List, Optional


def _variant_arguments(sub, module: str, axes: Dict[str, str]) -> None:
    """``--variant NAME`` and one ``--AXIS`` option per axis of variation
    of ``mmtin.datasets.synthetic.<module>`` (its ``VARIANTS`` and
    ``AXES``); an axis option overrides the variant's value."""
    gen = importlib.import_module(f'{__package__}.{module}')
    sub.add_argument(
        '--variant', default='dev', choices=sorted(gen.VARIANTS),
        help='named variant of the data: "dev" (the default data, used to '
        'tune) or a held-out one')
    for axis, kind in axes.items():
        values = gen.AXES[axis]
        if values is None:  # a number
            sub.add_argument(f'--{axis.replace("_", "-")}', type=kind,
                             default=None, help=f'{axis} (overrides the '
                             'variant)')
        else:
            sub.add_argument(f'--{axis.replace("_", "-")}', default=None,
                             choices=values,
                             help=f'{axis} (overrides the variant)')


def _variant_kwargs(args, axes: Dict[str, str]) -> dict:
    return dict(variant=args.variant,
                **{axis: getattr(args, axis) for axis in axes})


_SMALL_OBJECT_AXES = dict(target=str, cue=str, clutter=str, motion=str)
_MOVING_OBJECT_AXES = dict(path=str, speed=float, appearance=str)
_AUDIO_VISUAL_AXES = dict(sound=str, picture=str)


def _temporal_order(sub) -> None:
    sub.add_argument('out_dir', help='output folder, e.g. data/demo')
    sub.add_argument('--num-videos', type=int, default=600,
                     help='total number of videos (even: twin pairs)')
    sub.add_argument('--frames', type=int, default=16,
                     help='frames per video')
    sub.add_argument('--size', type=int, default=64,
                     help='frame height and width')
    sub.add_argument('--seed', type=int, default=0, help='random seed')


def _run_temporal_order(args) -> None:
    from .temporal_order import generate_demo_dataset
    start = time.time()
    meta = generate_demo_dataset(
        args.out_dir, num_videos=args.num_videos, frames=args.frames,
        size=args.size, seed=args.seed)
    counts = ', '.join(f'{k} {v}' for k, v in meta['counts'].items())
    print(f'wrote {args.num_videos} videos ({counts}) of {args.frames} '
          f'frames at {args.size}x{args.size} to {args.out_dir} in '
          f'{time.time() - start:.1f} s')


def _moving_object(sub) -> None:
    sub.add_argument('out_dir', help='output folder')
    sub.add_argument('--num-videos', type=int, default=640)
    sub.add_argument('--frames', type=int, default=8)
    sub.add_argument('--size', type=int, default=32)
    sub.add_argument('--seed', type=int, default=0)
    _variant_arguments(sub, 'moving_object', _MOVING_OBJECT_AXES)


def _run_moving_object(args) -> None:
    from .moving_object import generate_moving_object_dataset
    start = time.time()
    meta = generate_moving_object_dataset(
        args.out_dir, num_videos=args.num_videos, frames=args.frames,
        size=args.size, seed=args.seed,
        **_variant_kwargs(args, _MOVING_OBJECT_AXES))
    print(f'wrote {meta["counts"]} videos to {args.out_dir} in '
          f'{time.time() - start:.1f} s')


def _small_object(sub) -> None:
    sub.add_argument('out_dir', help='output folder, e.g. '
                     'data/small_object')
    sub.add_argument('--num-videos', type=int, default=960)
    sub.add_argument('--frames', type=int, default=8)
    sub.add_argument('--size', type=int, default=96)
    sub.add_argument('--object-size', type=int, default=None,
                     help='target side in pixels (default: the variant\'s)')
    sub.add_argument('--period', type=int, default=4)
    sub.add_argument('--seed', type=int, default=0)
    _variant_arguments(sub, 'small_object', _SMALL_OBJECT_AXES)


def _run_small_object(args) -> None:
    from .small_object import generate_small_object_dataset
    start = time.time()
    meta = generate_small_object_dataset(
        args.out_dir, num_videos=args.num_videos, frames=args.frames,
        size=args.size, object_size=args.object_size, period=args.period,
        seed=args.seed, **_variant_kwargs(args, _SMALL_OBJECT_AXES))
    counts = ', '.join(f'{k} {v}' for k, v in meta['counts'].items())
    print(f'wrote {args.num_videos} videos ({counts}) of {args.frames} '
          f'frames at {args.size}x{args.size} (target '
          f'{meta["object_area_percent"]}% of the frame) to {args.out_dir} '
          f'in {time.time() - start:.1f} s')


def _audio_visual(sub) -> None:
    sub.add_argument('out_dir', help='output folder, e.g. '
                     'data/audio_visual')
    sub.add_argument('--num-per-class', type=int, default=200)
    sub.add_argument('--frames', type=int, default=16)
    sub.add_argument('--size', type=int, default=32)
    sub.add_argument('--seed', type=int, default=0)
    sub.add_argument('--picture-audio', default='random_tone',
                     choices=('random_tone', 'noise'),
                     help='sound of the picture-decided classes')
    _variant_arguments(sub, 'audio_visual', _AUDIO_VISUAL_AXES)


def _run_audio_visual(args) -> None:
    from .audio_visual import generate_audio_visual_dataset
    meta = generate_audio_visual_dataset(
        args.out_dir, num_per_class=args.num_per_class, frames=args.frames,
        size=args.size, seed=args.seed, picture_audio=args.picture_audio,
        **_variant_kwargs(args, _AUDIO_VISUAL_AXES))
    print(f'wrote {sum(meta["counts"].values())} videos {meta["counts"]} '
          f'to {args.out_dir}')


def _motion_type(sub) -> None:
    from .motion_type import APPEARANCES, SCENES
    sub.add_argument('out_dir', help='output folder')
    sub.add_argument('--num-videos', type=int, default=480)
    sub.add_argument('--frames', type=int, default=16)
    sub.add_argument('--size', type=int, default=64)
    sub.add_argument('--seed', type=int, default=0)
    sub.add_argument('--scene', default='textured', choices=SCENES,
                     help='textured (per-video texture and colours) or '
                     'plain (grey background, black-and-white object)')
    sub.add_argument('--appearance', default='random', choices=APPEARANCES,
                     help='random (shape and size drawn per video) or '
                     'fixed (one object for every video: only the motion '
                     'tells videos apart)')


def _run_motion_type(args) -> None:
    from .motion_type import generate_motion_type_dataset
    start = time.time()
    meta = generate_motion_type_dataset(
        args.out_dir, num_videos=args.num_videos, frames=args.frames,
        size=args.size, seed=args.seed, scene=args.scene,
        appearance=args.appearance)
    print(f'wrote {meta["counts"]} videos to {args.out_dir} in '
          f'{time.time() - start:.1f} s')


#: ``name -> (description, add arguments, run)``
GENERATORS: Dict[str, tuple] = {
    'temporal_order': ('the temporal-order demo dataset (configs/demo/)',
                       _temporal_order, _run_temporal_order),
    'moving_object': ('the LSTS moving-object dataset (configs/lsts/)',
                      _moving_object, _run_moving_object),
    'small_object': ('the AdaFocus small-object dataset (configs/adafocus/)',
                     _small_object, _run_small_object),
    'audio_visual': ('the audio-visual AdaMML demo dataset '
                     '(configs/adamml/)', _audio_visual, _run_audio_visual),
    'motion_type': ('the motion-type dataset of the CVRL evidence '
                    '(tools/analysis/cvrl_evidence.py)', _motion_type,
                    _run_motion_type),
}


def build_parser() -> argparse.ArgumentParser:
    """The parser, one sub-command per generator."""
    parser = argparse.ArgumentParser(
        prog='python -m mmtin.datasets.synthetic',
        description='Generate a synthetic mmtin dataset')
    subs = parser.add_subparsers(dest='name', required=True,
                                 metavar='NAME', help=', '.join(GENERATORS))
    for name, (what, add_arguments, _) in GENERATORS.items():
        add_arguments(subs.add_parser(name, help=f'generate {what}',
                                      description=f'Generate {what}'))
    return parser


def main(argv: Optional[List[str]] = None) -> None:
    """Parse ``argv`` (``NAME OUT_DIR [options]``) and generate."""
    args = build_parser().parse_args(argv)
    run: Callable = GENERATORS[args.name][2]
    run(args)
