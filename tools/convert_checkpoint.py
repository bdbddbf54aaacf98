# Copyright (c) OpenMMLab. All rights reserved.
"""Convert published checkpoints into mmtin checkpoints.

Usage:
    python tools/convert_checkpoint.py official-tin IN OUT
    python tools/convert_checkpoint.py official-tdn IN OUT

Each converter lives in ``mmtin/ckpt_convert/<name>.py`` and exposes
``convert(checkpoint: dict) -> dict`` returning ``{'state_dict': ...,
'meta': ...}`` ready for ``load_from=`` / ``load_checkpoint(strict=True)``.
"""
import argparse
import importlib
import os.path as osp

import torch

import mmtin  # noqa: F401  (compat fixes)
from mmtin.compat.checkpoint_errors import (CheckpointLoadError,
                                            describe_load_error)

CONVERTERS = {
    'official-tin': 'mmtin.ckpt_convert.official_tin',
    'official-tdn': 'mmtin.ckpt_convert.official_tdn',
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('source', choices=sorted(CONVERTERS),
                        help='format of the input checkpoint')
    parser.add_argument('input', help='checkpoint to convert')
    parser.add_argument('output', help='where to write the mmtin checkpoint')
    return parser.parse_args()


def main():
    args = parse_args()
    if not osp.isfile(args.input):
        raise FileNotFoundError(f'input checkpoint not found: {args.input}')
    converter = importlib.import_module(CONVERTERS[args.source])
    # published checkpoints are plain tensors and python scalars
    try:
        checkpoint = torch.load(
            args.input, map_location='cpu', weights_only=True)
    except Exception as err:
        raise CheckpointLoadError(describe_load_error(args.input,
                                                      err)) from err
    converted = converter.convert(checkpoint)
    out_dir = osp.dirname(osp.abspath(args.output))
    if not osp.isdir(out_dir):
        raise FileNotFoundError(f'output folder does not exist: {out_dir}')
    torch.save(converted, args.output)
    print(f'{args.source}: wrote {len(converted["state_dict"])} tensors to '
          f'{args.output}')


if __name__ == '__main__':
    main()
