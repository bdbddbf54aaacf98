# Copyright (c) OpenMMLab. All rights reserved.
# mmtin's runtime: MMAction2's default runtime plus the robustness hooks.
#  - AtomicCheckpointHook: CheckpointHook whose writes (checkpoint, then
#    `last_checkpoint`) are temp-file + fsync + rename, so a kill during a
#    write never leaves `last_checkpoint` pointing at a corrupt file.
#  - EpochSeedHook: reseeds python/numpy/torch from (seed, epoch) at every
#    epoch start, so `--resume` after a crash replays the same augmentation
#    and dropout as an uninterrupted run (bitwise, with --deterministic and
#    non-persistent workers).
#  - ConfigCheckHook: before training/testing, checks num_segments against
#    the pipeline's clips, TDN clip_len == 5, and labels against
#    cls_head.num_classes, naming the config keys.
#  - BrokenVideoReportHook: counts and lists videos that a
#    CheckedVideoDataset(skip_broken=True) skipped, per epoch and test run.
_base_ = 'mmaction::_base_/default_runtime.py'

default_hooks = dict(
    checkpoint=dict(
        type='AtomicCheckpointHook', interval=1, save_best='auto'))
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
]
