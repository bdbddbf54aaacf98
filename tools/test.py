# Copyright (c) OpenMMLab. All rights reserved.
"""Test (and evaluate) a checkpoint with MMEngine's Runner.

Usage:
    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--dump X.pkl]
        [--show] [--show-dir DIR] [--interval N] [--wait-time S]
        [--cfg-options k=v ...] [--launcher {none,pytorch,slurm,mpi}]
        [--deploy] [--non-strict]

The metrics of ``test_evaluator`` (e.g. ``acc/top1``) are printed at the end.
Multi-process: ``bash tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS``.
"""
import argparse
import os
import os.path as osp

import mmtin  # noqa: F401  (compat fixes + registration)

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dist import is_main_process  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from mmaction.registry import RUNNERS  # noqa: E402
from mmtin.engine import (add_deploy_hook, exit_now,  # noqa: E402
                          setup_distributed, teardown_distributed)
from mmtin.engine import add_strict_load_hook  # noqa: E402
from mmtin.datasets import prepare_datasets  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Test (and evaluate) a recognizer checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file (path or URL)')
    parser.add_argument(
        '--work-dir', help='where to save the logs and evaluation metrics')
    parser.add_argument(
        '--dump',
        type=str,
        help='dump the predictions to this pickle file (.pkl/.pickle)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, given as key=value pairs; lists as '
        'key="[a,b]" or key=a,b, no white space')
    parser.add_argument(
        '--show-dir', help='save visualised predictions to this directory')
    parser.add_argument(
        '--show',
        action='store_true',
        help='show the predictions in a window')
    parser.add_argument(
        '--interval', type=int, default=1, help='visualise every N samples')
    parser.add_argument(
        '--wait-time',
        type=float,
        default=2,
        help='seconds each window is shown')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument(
        '--deploy',
        action='store_true',
        help='test the deploy form (switch_to_deploy after the checkpoint '
        'loads: folded BNs, fused kernels); same as model.deploy=True')
    parser.add_argument(
        '--non-strict',
        action='store_true',
        help='load only the checkpoint keys that match the model (default: '
        'a missing, unexpected or wrongly shaped key is an error, whatever '
        "the config's checkpoint_strict, which is about its own load_from)")
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


VIS_HOOKS = ('VisualizationHook', 'mmaction.VisualizationHook',
             'VideoVisualizationHook', 'mmtin.VideoVisualizationHook')


def enable_visualization(cfg, args):
    """Turn on the visualization hook for ``--show``/``--show-dir``.

    The config's ``default_hooks.visualization`` (added if missing) becomes
    mmtin's ``VideoVisualizationHook``: MMAction2 1.2's own
    ``VisualizationHook`` passes ``show`` to a visualizer that expects
    ``show_frames`` and crashes (see
    :mod:`mmtin.engine.hooks.video_visualization_hook`). A config without
    a ``visualizer`` gets MMAction2's ``ActionVisualizer``.

    Args:
        cfg (mmengine.Config): The loaded config (changed in place).
        args (argparse.Namespace): ``show``, ``show_dir``, ``interval``,
            ``wait_time``.
    """
    if args.interval < 1:
        raise ValueError(f'--interval must be >= 1, got {args.interval}')
    if cfg.get('default_hooks', None) is None:
        cfg.default_hooks = dict()
    vis = dict(cfg.default_hooks.get('visualization', None) or {})
    if vis.get('type', 'VisualizationHook') not in VIS_HOOKS:
        raise ValueError(
            '--show/--show-dir need default_hooks.visualization to be a '
            f"VisualizationHook, got type={vis['type']!r}")
    vis.update(type='VideoVisualizationHook', enable=True, show=args.show,
               wait_time=args.wait_time, out_dir=args.show_dir,
               interval=args.interval)
    cfg.default_hooks.visualization = vis
    if cfg.get('visualizer', None) is None:
        cfg.visualizer = dict(
            type='ActionVisualizer',
            vis_backends=[dict(type='LocalVisBackend')])


def merge_args(cfg, args):
    """Apply the command-line arguments to ``cfg`` (in place).

    Args:
        cfg (mmengine.Config): The loaded config.
        args (argparse.Namespace): Parsed arguments.

    Returns:
        mmengine.Config: ``cfg``.
    """
    if args.show or args.show_dir is not None:
        enable_visualization(cfg, args)

    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(
                f'--dump must name a .pkl or .pickle file, got {args.dump!r}')
        dump_metric = dict(type='DumpResults', out_file_path=args.dump)
        if isinstance(cfg.test_evaluator, (list, tuple)):
            cfg.test_evaluator = list(cfg.test_evaluator) + [dump_metric]
        else:
            cfg.test_evaluator = [cfg.test_evaluator, dump_metric]

    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)

    # work_dir priority: command line > config > ./work_dirs/<config name>
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    # the config's checkpoint_strict is about its own load_from (e.g. a
    # partial init for fine-tuning); the CHECKPOINT tested loads strictly
    add_strict_load_hook(cfg, getattr(args, 'non_strict', False),
                         from_config=False)
    add_deploy_hook(cfg, getattr(args, 'deploy', False))
    return cfg


def build_runner(cfg):
    """Build the Runner: ``RUNNERS.build`` if ``runner_type`` is set."""
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def format_metrics(metrics: dict) -> str:
    """One ``name: value`` line per metric, floats with 4 decimals."""
    lines = []
    for name, value in metrics.items():
        try:
            lines.append(f'{name}: {float(value):.4f}')
        except (TypeError, ValueError):  # e.g. per-class lists
            lines.append(f'{name}: {value}')
    return '\n'.join(lines)


def main(argv=None):
    """Run the test; True if it was a multi-process run (torn down)."""
    args = parse_args(argv)
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file not found: {args.config}')
    if '://' not in args.checkpoint and not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    prepare_datasets(cfg)  # checked VideoDataset, no empty ann_file
    setup_distributed(cfg, args.launcher)
    runner = build_runner(cfg)
    metrics = runner.test()
    if is_main_process():
        print(f'Test metrics of {args.checkpoint}:')
        print(format_metrics(metrics or {}), flush=True)
    return teardown_distributed()


if __name__ == '__main__':
    if main():  # a multi-process run: skip the interpreter's teardown
        exit_now()
