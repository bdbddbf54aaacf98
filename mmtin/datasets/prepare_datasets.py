# Copyright (c) OpenMMLab. All rights reserved.
"""Dataset settings that mmtin's tools fix or check before the Runner runs.

* :func:`use_checked_video_datasets`: a stock ``VideoDataset`` becomes
  ``CheckedVideoDataset`` (same arguments, same samples), so that a
  truncated or undecodable video raises an error naming the file and its
  annotation line instead of decord's bare ``Error reading ...``.
* :func:`check_annotation_files`: an empty annotation file raises an error
  naming the file (mmengine's is ``need at least one array to
  concatenate``).
"""
import os.path as osp
from typing import Iterator, List, Optional, Tuple

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
STOCK_TYPES = ('VideoDataset', 'mmaction.VideoDataset')
CHECKED_TYPE = 'CheckedVideoDataset'


def _dataset_cfgs(cfg) -> Iterator[Tuple[str, dict]]:
    """``(key, dataset cfg)`` of every dataset in the dataloaders of
    ``cfg``, wrapped ones (``RepeatDataset.dataset``,
    ``ConcatDataset.datasets``) included."""
    for loader in LOADERS:
        loader_cfg = cfg.get(loader, None)
        if not loader_cfg or not hasattr(loader_cfg, 'get'):
            continue
        stack = [(f'{loader}.dataset', loader_cfg.get('dataset', None))]
        while stack:
            key, dataset = stack.pop()
            if not hasattr(dataset, 'get'):
                continue
            yield key, dataset
            stack.append((f'{key}.dataset', dataset.get('dataset', None)))
            for i, child in enumerate(dataset.get('datasets', None) or []):
                stack.append((f'{key}.datasets.{i}', child))


def use_checked_video_datasets(cfg) -> List[str]:
    """Replace ``type='VideoDataset'`` by ``'CheckedVideoDataset'`` in the
    dataloaders of ``cfg`` (in place).

    Args:
        cfg (mmengine.Config): The config the tool runs.

    Returns:
        list[str]: One log line per replaced dataset.
    """
    done = []
    for key, dataset in _dataset_cfgs(cfg):
        if dataset.get('type', None) in STOCK_TYPES:
            dataset['type'] = CHECKED_TYPE
            done.append(
                f'{key}: using mmtin CheckedVideoDataset for VideoDataset '
                '(same samples; a broken video raises an error naming the '
                'file and its annotation line). Set type='
                "'CheckedVideoDataset' in the config to silence this line.")
    return done


def _ann_path(dataset: dict) -> Optional[str]:
    ann_file = dataset.get('ann_file', None)
    if not isinstance(ann_file, str) or not ann_file or '://' in ann_file:
        return None
    data_root = dataset.get('data_root', None)
    if data_root and not osp.isabs(ann_file):
        ann_file = osp.join(data_root, ann_file)
    return ann_file


def check_annotation_files(cfg) -> None:
    """Raise if a dataloader's annotation file exists but is empty.

    A file with only blank lines counts as empty. Missing files are left to
    the dataset, whose error already names them.

    Args:
        cfg (mmengine.Config): The config the tool runs.

    Raises:
        ValueError: Naming the config key and the empty file.
    """
    for key, dataset in _dataset_cfgs(cfg):
        ann_file = _ann_path(dataset)
        if ann_file is None or not osp.isfile(ann_file):
            continue
        with open(ann_file, 'rb') as f:
            has_line = any(line.strip() for line in f)
        if not has_line:
            raise ValueError(
                f'{key}.ann_file: the annotation file {ann_file} is empty '
                '(no annotation lines); expected one sample per line, e.g. '
                '"<video> <label>"')


def prepare_datasets(cfg) -> None:
    """What mmtin's ``tools/train.py`` and ``tools/test.py`` do to ``cfg``
    before building the Runner: :func:`use_checked_video_datasets` (one
    log line per swap), then :func:`check_annotation_files`.

    Args:
        cfg (mmengine.Config): The config the tool runs (changed in place).
    """
    from mmengine.logging import print_log
    for line in use_checked_video_datasets(cfg):
        print_log(line, logger='current')
    check_annotation_files(cfg)
