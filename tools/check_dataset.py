# Copyright (c) OpenMMLab. All rights reserved.
"""Find broken videos in a config's annotation list before training.

Usage:
    python tools/check_dataset.py CONFIG [--split train|val|test]
        [--out REPORT.json] [--work-dir DIR] [--decode none|ends|all]
        [--nproc N] [--cfg-options k=v ...]

For every sample of the split's ``VideoDataset``/``CheckedVideoDataset`` it
checks that the video exists, opens and decodes with decord (first, middle
and last frame by default; ``--decode all`` decodes every frame) and has at
least as many frames as the pipeline's ``SampleFrames(clip_len,
frame_interval, num_clips)`` needs for distinct, in-range clips. It also
runs the config checks of ``mmtin.utils.config_checks`` for the split
(``num_segments`` against the sampling, labels against
``model.cls_head.num_classes``). The JSON report goes to ``--out`` (default
``WORK_DIR/check_dataset_<split>.json``); every problem is also printed with
its annotation file and line. Exit code: 0 if nothing is broken, 1 if
something is, 2 for a config that cannot be checked.
"""
import argparse
import json
import os
import os.path as osp
import sys
from functools import partial

import mmtin  # noqa: F401  (compat fixes + registration)

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dataset import BaseDataset  # noqa: E402
from mmengine.utils import (track_parallel_progress,  # noqa: E402
                            track_progress)

from mmtin.datasets.checked_video_dataset import (  # noqa: E402
    CheckedVideoDataset, probe_video)
from mmtin.datasets.short_videos import (  # noqa: E402
    check_short_video_mode, sampler_min_frames, short_video_detail)
from mmtin.utils.config_checks import (dataset_cfg,  # noqa: E402
                                       dataset_problems, find_sampler,
                                       segment_problems)

DATASET_TYPES = ('VideoDataset', 'CheckedVideoDataset')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Check the videos of a dataset split')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--split', choices=['train', 'val', 'test'], default='train',
        help='which dataloader\'s dataset to check (default: train)')
    parser.add_argument(
        '--out', help='report path (JSON); default: '
        'WORK_DIR/check_dataset_<split>.json')
    parser.add_argument(
        '--work-dir', help='default report folder (default: the config\'s '
        'work_dir, else ./work_dirs/<config name>)')
    parser.add_argument(
        '--decode', choices=['none', 'ends', 'all'], default='ends',
        help='frames to decode per video: none (open only), ends (first, '
        'middle, last; default) or all')
    parser.add_argument(
        '--nproc', type=int, default=1, help='processes to probe with')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value pairs')
    return parser.parse_args(argv)


def build_sample_list(ds_cfg):
    """``(ann_file, [info dicts])`` of a video dataset config."""
    args = {
        k: v
        for k, v in ds_cfg.items()
        if k not in ('type', 'pipeline', 'skip_broken', 'lazy_init',
                     '_scope_', 'short_video')
    }
    dataset = CheckedVideoDataset(pipeline=[], **args)
    # BaseDataset's: no one-hot tensors for multi-class labels
    infos = [
        BaseDataset.get_data_info(dataset, i) for i in range(len(dataset))
    ]
    return dataset, infos


def _probe(info, decode, min_frames, short_video='loop'):
    probe = probe_video(info['filename'], decode=decode)
    entry = dict(line=info['ann_line'], filename=info['filename'],
                 label=info['label'], num_frames=probe.num_frames)
    short = short_video_detail(probe.num_frames, min_frames)
    if probe.problem is not None:
        entry.update(problem=probe.problem, detail=probe.detail)
    elif short is not None and short_video == 'error':
        entry.update(problem='too_short', detail=short)
    elif short is not None:
        entry.update(looped=short)
    return entry


def check(cfg, split, decode='ends', nproc=1):
    """Check a split; returns the report (a JSON-able dict)."""
    key, ds_cfg = dataset_cfg(cfg, split)
    if ds_cfg is None:
        raise ValueError(f'the config has no {split}_dataloader.dataset')
    ds_type = ds_cfg.get('type', '')
    if not isinstance(ds_type, str) or \
            ds_type.split('.')[-1] not in DATASET_TYPES:
        raise ValueError(f'{key}.type is {ds_type!r}; check_dataset handles '
                         f'{" and ".join(DATASET_TYPES)} (video lists)')
    found = find_sampler(ds_cfg.get('pipeline'))
    sampling = None
    if found is not None:
        index, sampler = found
        sampling = dict(
            key=f'{key}.pipeline[{index}]',
            clip_len=sampler.get('clip_len', 1),
            frame_interval=sampler.get('frame_interval', 1),
            num_clips=sampler.get('num_clips', 1))
        sampling['min_frames'] = sampler_min_frames(sampler)
    short_video = check_short_video_mode(ds_cfg.get('short_video', 'loop'))
    report = dict(split=split, dataset_key=key, sampling=sampling,
                  short_video=short_video, looped=[])
    try:
        dataset, infos = build_sample_list(ds_cfg)
    except (OSError, ValueError) as err:
        report.update(ann_file=ds_cfg.get('ann_file'), num_samples=0,
                      num_broken=0, broken=[], config_problems=[],
                      annotation_error=str(err))
        return report
    min_frames = sampling['min_frames'] if sampling else 0
    probe = partial(_probe, decode=decode, min_frames=min_frames,
                    short_video=short_video)
    if nproc > 1:
        entries = track_parallel_progress(probe, infos, nproc)
    else:
        entries = track_progress(probe, infos)
    broken = [e for e in entries if 'problem' in e]
    problems = segment_problems(cfg, [split]) + dataset_problems(
        cfg, split, dataset)
    report.update(
        ann_file=dataset.ann_file, num_samples=len(entries),
        num_broken=len(broken), broken=broken, config_problems=problems,
        looped=[e for e in entries if 'looped' in e])
    return report


def print_report(report, out):
    lines = [f'check_dataset: {report["split"]} split, '
             f'{report["num_samples"]} samples in {report["ann_file"]}']
    if report.get('annotation_error'):
        lines.append(f'  annotation error: {report["annotation_error"]}')
    for e in report['broken']:
        lines.append(f'  {report["ann_file"]}:{e["line"]} {e["filename"]}: '
                     f'{e["problem"]} ({e["detail"]})')
    for e in report['looped']:
        lines.append(f'  {report["ann_file"]}:{e["line"]} {e["filename"]}: '
                     f'too short, looped ({e["looped"]})')
    for p in report['config_problems']:
        lines.append(f'  config: {p}')
    looped = ''
    if report['looped']:
        looped = (f'{len(report["looped"])} short videos looped '
                  "(short_video='loop'), ")
    lines.append(f'{report["num_broken"]} broken videos, {looped}'
                 f'{len(report["config_problems"])} config problems; '
                 f'report: {out}')
    print('\n'.join(lines))


def main(argv=None):
    args = parse_args(argv)
    if not osp.isfile(args.config):
        print(f'config file not found: {args.config}', file=sys.stderr)
        return 2
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    try:
        report = check(cfg, args.split, args.decode, args.nproc)
    except ValueError as err:
        print(f'check_dataset: {err}', file=sys.stderr)
        return 2
    report['config'] = osp.abspath(args.config)
    out = args.out
    if out is None:
        work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
            './work_dirs', osp.splitext(osp.basename(args.config))[0])
        out = osp.join(work_dir, f'check_dataset_{args.split}.json')
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    with open(out, 'w') as f:
        json.dump(report, f, indent=2)
    print_report(report, out)
    failed = report['num_broken'] or report['config_problems'] or \
        report.get('annotation_error')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
