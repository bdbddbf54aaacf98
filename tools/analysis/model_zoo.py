# Copyright (c) OpenMMLab. All rights reserved.
"""Model-zoo table: dataset, frames, FLOPs, params, published accuracy.

Usage::

    python tools/analysis/model_zoo.py [CONFIG ...] [--config-dir configs]
        [--out zoo.json] [--no-flops]

Without CONFIG, every ``CONFIG_DIR/*.py`` is listed (sub-folders such as
``_base_`` and ``demo`` are not). Each config is loaded and its model built
without pretrained downloads; params are counted and FLOPs measured for one
test view (one clip, one crop: ``num_clips * clip_len`` frames for 2D
recognizers, at the crop size of ``test_pipeline``) with
``mmengine.analysis`` (one multiply-add = one FLOP, as in MMAction2's model
zoo). R50/R101 configs take a few seconds to a minute each on a CPU.

Published numbers come from the config, either a dict::

    zoo_info = dict(dataset='sthv1', frames=8, published_top1=44.25,
                    published_top5=73.94, published_gflops=32.96,
                    test_views='8x1x1', checkpoint='https://...',
                    source='MMAction2 v0.24.1 model zoo, tin_r50_...')

or a comment block (keys as above, one per line)::

    # zoo:
    #   dataset: sthv1
    #   published_top1: 44.25
    #   source: https://...

Missing entries are shown as ``-`` and unknown keys are reported;
``frames`` defaults to the test pipeline's ``num_clips`` (``x clip_len``
when that is above 1).
"""
import argparse
import glob
import json
import os.path as osp
import re
import sys

import torch
from mmengine.config import Config

import mmtin  # noqa: F401  (registers mmtin's models)
from mmtin.analysis import markdown_table as _markdown_table
from mmtin.apis import (build_recognizer, count_flops, count_params,
                        view_input_shape, view_spec)

ZOO_KEYS = ('dataset', 'frames', 'published_top1', 'published_top5',
            'published_gflops', 'test_views', 'source', 'checkpoint')
COLUMNS = ('config', 'dataset', 'frames', 'view input', 'GFLOPs/view',
           'published GFLOPs', 'params (M)', 'published top-1/top-5',
           'test views', 'source')
_BLOCK_START = re.compile(r'^#\s*zoo:\s*$')
_BLOCK_ITEM = re.compile(r'^#\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*?)\s*$')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Model-zoo table')
    parser.add_argument('configs', nargs='*', help='config files')
    parser.add_argument('--config-dir', default='configs')
    parser.add_argument('--out', help='write the rows as JSON here')
    parser.add_argument('--no-flops', action='store_true',
                        help='skip the FLOP count (faster)')
    return parser.parse_args(argv)


def read_zoo_info(path, cfg):
    """``zoo_info`` from the config dict, else from a ``# zoo:`` block."""
    info = cfg.get('zoo_info', None)
    if info is not None:
        if not isinstance(info, dict):
            raise TypeError(f'{path}: zoo_info must be a dict, got '
                            f'{type(info).__name__}')
        unknown = set(info) - set(ZOO_KEYS)
        if unknown:
            print(f'warning: {path}: zoo_info keys {sorted(unknown)} are not '
                  f'shown; known keys: {list(ZOO_KEYS)}', file=sys.stderr)
        return dict(info)
    info, inside = {}, False
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if _BLOCK_START.match(line):
                inside = True
                continue
            match = _BLOCK_ITEM.match(line) if inside else None
            if match and match.group(1) in ZOO_KEYS:
                info[match.group(1)] = match.group(2)
            elif inside:
                inside = False
    return info


def _frames(spec):
    if spec['format'] == 'NCTHW':
        return f'{spec["clip_len"]}'
    if spec['clip_len'] > 1:
        return f'{spec["num_clips"]}x{spec["clip_len"]}'
    return f'{spec["num_clips"]}'


def zoo_row(path, with_flops=True):
    """The table row (a dict) of one config."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    info = read_zoo_info(path, cfg)
    spec = view_spec(cfg)
    shape = view_input_shape(spec)
    model = build_recognizer(cfg)
    row = dict(
        config=path,
        dataset=info.get('dataset'),
        frames=str(info.get('frames') or _frames(spec)),
        input_shape=list(shape),
        params=count_params(model),
        flops=count_flops(model, torch.randn(shape)) if with_flops else None)
    for key in ZOO_KEYS[2:]:
        row[key] = info.get(key)
    return row


def _cell(value):
    return '-' if value in (None, '') else str(value)


def markdown_table(rows):
    cells = []
    for r in rows:
        acc = _cell(r['published_top1'])
        if r['published_top5'] not in (None, ''):
            acc += f' / {r["published_top5"]}'
        flops = '-' if r['flops'] is None else f'{r["flops"] / 1e9:.2f}'
        cells.append([
            osp.basename(r['config']),
            _cell(r['dataset']), r['frames'],
            'x'.join(str(s) for s in r['input_shape'][1:]), flops,
            _cell(r['published_gflops']), f'{r["params"] / 1e6:.2f}', acc,
            _cell(r['test_views']),
            _cell(r['source'])
        ])
    return _markdown_table(COLUMNS, cells)


def main(argv=None):
    args = parse_args(argv)
    configs = args.configs or sorted(
        glob.glob(osp.join(args.config_dir, '*.py')))
    if not configs:
        raise FileNotFoundError(f'no configs given and none in '
                                f'{args.config_dir}/*.py')
    rows, errors = [], []
    for path in configs:
        try:
            rows.append(zoo_row(path, not args.no_flops))
        except Exception as exc:  # report every broken config, go on
            errors.append(f'{path}: {type(exc).__name__}: {exc}')
    print('GFLOPs/view: multiply-adds of one test view (mmengine.analysis); '
          'params include the head. Reproduce: python '
          'tools/analysis/model_zoo.py CONFIG\n')
    print(markdown_table(rows))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(rows, f, indent=2)
    if errors:
        print('\nfailed configs:\n' + '\n'.join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
