# Copyright (c) OpenMMLab. All rights reserved.
"""Train a recognizer with MMEngine's Runner (MMAction2's command line).

Usage:
    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--no-validate] [--auto-scale-lr] [--seed N] [--diff-rank-seed]
        [--deterministic] [--cfg-options k=v ...]
        [--launcher {none,pytorch,slurm,mpi}] [--non-strict]

Multi-process: ``bash tools/dist_train.sh CONFIG NUM_PROCS [args]`` (gloo on
a machine without a GPU, NCCL on GPUs).
"""
import argparse
import os
import os.path as osp

import mmtin  # noqa: F401  (compat fixes + registration)

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.device import get_device  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from mmaction.registry import RUNNERS  # noqa: E402
from mmtin.engine import (add_strict_load_hook, exit_now,  # noqa: E402
                          setup_distributed, teardown_distributed)
from mmtin.datasets import prepare_datasets  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a recognizer')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint; without a path, resume from the '
        'latest checkpoint of the work dir (its `last_checkpoint` file)')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='train with automatic mixed precision (AmpOptimWrapper)')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the actual total batch size over '
        '`auto_scale_lr.base_batch_size` of the config')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed',
        action='store_true',
        help='use a different seed on every rank')
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help='use deterministic algorithms (CUDNN) where possible')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, given as key=value pairs (merged '
        'last); lists as key="[a,b]" or key=a,b, no white space')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument(
        '--non-strict',
        action='store_true',
        help='load_from/--resume CKPT: load only the keys that match the '
        'model (default: a missing, unexpected or wrongly shaped key is an '
        'error); same as checkpoint_strict=False in the config')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg, args):
    """Apply the command-line arguments to ``cfg`` (in place).

    Args:
        cfg (mmengine.Config): The loaded config.
        args (argparse.Namespace): Parsed arguments.

    Returns:
        mmengine.Config: ``cfg``.
    """
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None

    cfg.launcher = args.launcher

    # work_dir priority: command line > config > ./work_dirs/<config name>
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    if args.amp:
        wrapper_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper_type not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise ValueError(
                '--amp needs optim_wrapper.type to be OptimWrapper or '
                f'AmpOptimWrapper, but the config sets {wrapper_type!r}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')

    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    if args.auto_scale_lr:
        if cfg.get('auto_scale_lr', None) is None:
            raise ValueError(
                f'--auto-scale-lr: the config {args.config} does not define '
                '`auto_scale_lr`; add e.g. `auto_scale_lr = dict(enable='
                'False, base_batch_size=64)` (base_batch_size = the total '
                'batch size the learning rate was tuned for)')
        cfg.auto_scale_lr.enable = True

    if cfg.get('randomness', None) is None:
        cfg.randomness = dict(
            seed=args.seed,
            diff_rank_seed=args.diff_rank_seed,
            deterministic=args.deterministic)

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    add_strict_load_hook(cfg, getattr(args, 'non_strict', False))
    return cfg


def build_runner(cfg):
    """Build the Runner: ``RUNNERS.build`` if ``runner_type`` is set."""
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def main(argv=None):
    """Run the training; True if it was a multi-process run (torn down)."""
    args = parse_args(argv)
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file not found: {args.config}')
    if args.amp and get_device() == 'cpu':
        raise ValueError(
            "--amp needs a GPU (or NPU/MLU/MUSA): MMEngine's "
            'AmpOptimWrapper does not run on the CPU; drop --amp')
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    prepare_datasets(cfg)  # checked VideoDataset, no empty ann_file
    setup_distributed(cfg, args.launcher)
    runner = build_runner(cfg)
    runner.train()
    return teardown_distributed()


if __name__ == '__main__':
    if main():  # a multi-process run: skip the interpreter's teardown
        exit_now()
