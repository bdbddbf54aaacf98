# Copyright (c) OpenMMLab. All rights reserved.
"""Checks that a config's parts agree, naming the config keys that don't.

A mismatch between the data pipeline and the model (``num_segments`` of a
TSM/TIN/TDN backbone against ``SampleFrames.num_clips``, TDN's 5-frame
clips, ``num_classes`` against the labels) otherwise shows up as a shape
error deep inside a forward pass, or as a CUDA assert, after the data
loaders have started. Every function returns a list of problems (strings,
empty when all is well) so that tools can report them all at once;
:func:`raise_if_problems` turns them into a :class:`ConfigCheckError`.
Used by ``ConfigCheckHook`` and ``tools/check_dataset.py``.
"""
from typing import Iterable, List, Optional, Tuple

from mmengine.dataset import BaseDataset

from .type_defaults import cfg_arg

SPLITS = ('train', 'val', 'test')
TDN_CLIP_LEN = 5  # TDN needs 5 consecutive frames per segment


class ConfigCheckError(ValueError):
    """A config whose parts do not fit together."""


def raise_if_problems(problems: List[str], what: str = 'config') -> None:
    """Raise one :class:`ConfigCheckError` listing all ``problems``."""
    if problems:
        listing = '\n'.join(f'  - {p}' for p in problems)
        raise ConfigCheckError(f'{what} check failed:\n{listing}')


def _type_name(cfg) -> str:
    t = cfg.get('type', '')
    return t if isinstance(t, str) else getattr(t, '__name__', str(t))


def find_sampler(pipeline) -> Optional[Tuple[int, dict]]:
    """The frame-sampling transform (``*SampleFrames``) of a pipeline.

    Args:
        pipeline (list[dict]): Pipeline config.

    Returns:
        tuple[int, dict] | None: Its index and config, or None.
    """
    for i, step in enumerate(pipeline or []):
        if not isinstance(step, dict):
            continue
        name = _type_name(step).split('.')[-1]
        if name.endswith('SampleFrames') or ('num_clips' in step
                                             and 'clip_len' in step):
            return i, step
    return None


def dataset_cfg(cfg, split: str) -> Tuple[Optional[str], Optional[dict]]:
    """The innermost dataset config of a split and its config key.

    Args:
        cfg (Config | dict): The full config.
        split (str): ``'train'``, ``'val'`` or ``'test'``.

    Returns:
        tuple: ``('train_dataloader.dataset[.dataset...]', dict)``, or
        ``(None, None)`` when the split has no dataloader.
    """
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    loader = cfg.get(f'{split}_dataloader')
    if not loader or 'dataset' not in loader:
        return None, None
    key, ds = f'{split}_dataloader.dataset', loader['dataset']
    while 'pipeline' not in ds and isinstance(ds.get('dataset'), dict):
        key, ds = key + '.dataset', ds['dataset']
    return key, ds


def segment_problems(cfg, splits: Iterable[str] = SPLITS) -> List[str]:
    """Check ``num_segments`` / TDN ``clip_len`` against the pipelines.

    For a backbone with ``num_segments`` (set or by default), each view of a
    clip must hold whole groups of segments: training needs exactly
    ``num_segments`` segments per sample, testing a multiple of it (several
    views). A segment is one frame, or ``clip_len`` (= 5) frames for a TDN
    backbone (``'TDN'`` in its type name). ``cls_head.num_segments`` must
    match the backbone's.

    Args:
        cfg (Config | dict): The full config.
        splits (Iterable[str]): Splits whose pipelines to check.

    Returns:
        list[str]: Problems, naming the config keys.
    """
    model = cfg.get('model') or {}
    backbone, head = model.get('backbone'), model.get('cls_head')
    num_segments = cfg_arg(backbone, 'num_segments')
    problems = []
    head_segments = cfg_arg(head, 'num_segments')
    if None not in (num_segments, head_segments) and \
            num_segments != head_segments:
        problems.append(
            f'model.cls_head.num_segments ({head_segments}) differs from '
            f'model.backbone.num_segments ({num_segments})')
    if num_segments is None:
        return problems
    is_tdn = 'tdn' in _type_name(backbone).lower()
    for split in splits:
        key, ds = dataset_cfg(cfg, split)
        found = find_sampler(ds.get('pipeline')) if ds else None
        if found is None:
            continue
        index, sampler = found
        where = f'{key}.pipeline[{index}]'
        clip_len = sampler.get('clip_len', 1)
        num_clips = sampler.get('num_clips', 1)
        if sampler.get('twice_sample', False):
            num_clips *= 2
        if is_tdn and clip_len != TDN_CLIP_LEN:
            problems.append(
                f'{where}.clip_len is {clip_len}, but the TDN backbone '
                f'({_type_name(backbone)}) needs clip_len={TDN_CLIP_LEN} '
                '(5 consecutive frames per segment)')
            continue
        segments = num_clips if is_tdn else num_clips * clip_len
        what = 'num_clips' if is_tdn or clip_len == 1 else \
            'num_clips * clip_len'
        if split == 'train' and segments != num_segments:
            problems.append(
                f'{where}.{what} gives {segments} segments per sample, but '
                f'model.backbone.num_segments is {num_segments}; they must '
                'be equal for training')
        elif split != 'train' and segments % num_segments:
            problems.append(
                f'{where}.{what} gives {segments} segments per sample, not '
                f'a multiple of model.backbone.num_segments ({num_segments})')
    return problems


def label_problems(labels: Iterable[Tuple[int, object]],
                   num_classes: int,
                   ann_file: str,
                   allow_unlabeled: bool = False,
                   key: str = 'model.cls_head.num_classes',
                   max_listed: int = 5) -> List[str]:
    """Check annotation labels against the classifier's ``num_classes``.

    Args:
        labels (Iterable[tuple[int, int | list]]): ``(line, label)`` pairs;
            a list label is a multi-class sample.
        num_classes (int): Classes of the classifier.
        ann_file (str): The annotation file, for messages.
        allow_unlabeled (bool): Whether ``-1`` (no label, inference lists)
            is accepted. Default: False.
        key (str): Config key of ``num_classes``, for messages.
            Default: 'model.cls_head.num_classes'.
        max_listed (int): Offending lines listed in a message. Default: 5.

    Returns:
        list[str]: At most one problem for too large and one for negative
        labels, each naming the largest/first offenders and their lines.
    """
    too_big, negative = [], []
    for line, label in labels:
        values = label if isinstance(label, (list, tuple)) else [label]
        for value in values:
            value = int(value)
            if value >= num_classes:
                too_big.append((value, line))
            elif value < 0 and not (allow_unlabeled and value == -1):
                negative.append((value, line))
    problems = []
    if too_big:
        too_big.sort(key=lambda p: (-p[0], p[1]))
        shown = ', '.join(f'{v} (line {n})' for v, n in too_big[:max_listed])
        problems.append(
            f'{key} is {num_classes}, but {ann_file} has {len(too_big)} '
            f'label(s) >= {num_classes}, the largest {too_big[0][0]}: '
            f'{shown}; set {key} to at least {too_big[0][0] + 1}')
    if negative:
        shown = ', '.join(f'{v} (line {n})' for v, n in negative[:max_listed])
        problems.append(f'{ann_file} has {len(negative)} negative label(s) '
                        f'in a labelled split: {shown}')
    return problems


def dataset_labels(dataset) -> Tuple[str, List[Tuple[int, object]]]:
    """``(ann_file, [(line, label), ...])`` of a built ``VideoDataset``.

    ``CheckedVideoDataset`` samples know their annotation line; for others
    the 1-based sample index is used (the line for a stock ``VideoDataset``
    without blank lines).
    """
    pairs = []
    for idx in range(len(dataset)):
        info = BaseDataset.get_data_info(dataset, idx)
        pairs.append((info.get('ann_line', idx + 1), info.get('label', -1)))
    return getattr(dataset, 'ann_file', '?'), pairs


def dataset_problems(cfg, split: str, dataset) -> List[str]:
    """Label checks of one split's built dataset against ``cfg.model``.

    Args:
        cfg (Config | dict): The full config.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        dataset (BaseDataset): The split's built dataset (wrappers such as
            ``RepeatDataset`` are unwrapped).

    Returns:
        list[str]: Problems.
    """
    head = (cfg.get('model') or {}).get('cls_head')
    num_classes = head.get('num_classes') if head else None
    while not hasattr(dataset, 'ann_file') and hasattr(dataset, 'dataset'):
        dataset = dataset.dataset
    if num_classes is None or not isinstance(dataset, BaseDataset) or \
            not hasattr(dataset, 'ann_file'):
        return []
    problems = []
    ds_classes = getattr(dataset, 'num_classes', None)
    key, _ = dataset_cfg(cfg, split)
    if getattr(dataset, 'multi_class', False) and ds_classes is not None \
            and ds_classes != num_classes:
        problems.append(f'{key}.num_classes ({ds_classes}) differs from '
                        f'model.cls_head.num_classes ({num_classes})')
    ann_file, labels = dataset_labels(dataset)
    problems += label_problems(
        labels, num_classes, ann_file, allow_unlabeled=split != 'train')
    return problems
