# Copyright (c) OpenMMLab. All rights reserved.
"""Helpers shared by the analysis tools (benchmark, model zoo, demo).

* :func:`disable_pretrained` strips every download (``pretrained``,
  ``init_cfg=dict(type='Pretrained')``) from a model config;
* :func:`set_num_segments` sets every ``num_segments`` of a model config;
* :func:`view_spec` reads the input of one test view (frames and crop size)
  from a config's test pipeline, :func:`view_input_shape` turns it into the
  tensor shape a recognizer takes.

Counting FLOPs and parameters lives in :mod:`mmtin.models.utils.flops`.
"""
import copy
from typing import List, Optional, Tuple

from torch import nn

from .type_defaults import type_defaults

_CROP_TYPES = ('CenterCrop', 'ThreeCrop', 'TenCrop', 'RandomCrop')


def disable_pretrained(model_cfg: dict) -> List[str]:
    """Remove every pretrained-weight download from a model config.

    ``pretrained=<str>`` becomes ``None``; ``pretrained=True`` (timm /
    torchvision backbones) and ``pretrained2d`` become ``False``;
    ``init_cfg`` entries of type ``Pretrained`` are dropped. A key a
    registered type takes but the config leaves out counts with the type's
    default (``ResNetTSM`` defaults to ``pretrained2d=True``). Works in
    place, at any depth.

    Args:
        model_cfg (dict): The ``model`` part of a config.

    Returns:
        list[str]: The dotted keys that were changed.
    """
    changed = []

    def walk(node, prefix):
        if isinstance(node, (list, tuple)):
            for i, item in enumerate(node):
                walk(item, f'{prefix.rstrip(".")}[{i}].')
            return
        if not isinstance(node, dict):
            return
        defaults = type_defaults(node.get('type'))
        for key in ('pretrained', 'pretrained2d'):
            value = node.get(key, defaults.get(key))
            if key == 'pretrained' and (isinstance(value, str)
                                        or value is True):
                node[key] = None if isinstance(value, str) else False
                changed.append(prefix + key)
            elif key == 'pretrained2d' and value:
                node[key] = False
                changed.append(prefix + key)
        for key in list(node.keys()):
            value, name = node[key], f'{prefix}{key}'
            if key == 'init_cfg' and value is not None:
                kept = _drop_pretrained_init(value)
                if kept is not value:
                    node[key] = kept
                    changed.append(name)
            elif key not in ('pretrained', 'pretrained2d'):
                walk(value, name + '.')

    walk(model_cfg, '')
    return changed


def _drop_pretrained_init(init_cfg):
    """``init_cfg`` without its ``Pretrained`` entries (same object if
    there was none)."""
    if isinstance(init_cfg, dict):
        return None if init_cfg.get('type') == 'Pretrained' else init_cfg
    if isinstance(init_cfg, (list, tuple)):
        kept = [c for c in init_cfg if _drop_pretrained_init(c) is not None]
        return init_cfg if len(kept) == len(init_cfg) else kept
    return init_cfg


def set_num_segments(model_cfg: dict, num_segments: int) -> List[str]:
    """Set every ``num_segments`` of a model config (in place).

    Also sets it on sub-configs whose registered type takes a
    ``num_segments`` argument the config leaves at its default.

    Args:
        model_cfg (dict): The ``model`` part of a config.
        num_segments (int): The new number of segments.

    Returns:
        list[str]: The dotted keys that were set.
    """
    changed = []

    def walk(node, prefix):
        if isinstance(node, (list, tuple)):
            for i, item in enumerate(node):
                walk(item, f'{prefix.rstrip(".")}[{i}].')
        elif isinstance(node, dict):
            if 'num_segments' in node or 'num_segments' in type_defaults(
                    node.get('type')):
                node['num_segments'] = num_segments
                changed.append(prefix + 'num_segments')
            for key in list(node.keys()):
                if key != 'num_segments':
                    walk(node[key], f'{prefix}{key}.')

    walk(model_cfg, '')
    return changed


def _test_pipeline(cfg) -> list:
    pipeline = cfg.get('test_pipeline', None)
    if pipeline is None:
        loader = cfg.get('test_dataloader', None) or {}
        dataset = loader.get('dataset', None) or {}
        while 'pipeline' not in dataset and 'dataset' in dataset:
            dataset = dataset['dataset']  # dataset wrappers
        pipeline = dataset.get('pipeline', None)
    return list(pipeline or [])


def _as_hw(size) -> Optional[Tuple[int, int]]:
    """``(h, w)`` from an int or ``(w, h)`` (MMAction2 order)."""
    if isinstance(size, int) and size > 0:
        return size, size
    if isinstance(size, (list, tuple)) and len(size) == 2 and all(
            isinstance(s, int) and s > 0 for s in size):
        return int(size[1]), int(size[0])
    return None


def view_spec(cfg) -> dict:
    """The input of one test view (one clip, one crop) of a config.

    Read from ``test_pipeline`` (or ``test_dataloader.dataset.pipeline``):
    the frame sampler (any transform with ``clip_len``) gives ``clip_len``
    and ``num_clips``; the last crop (``CenterCrop``, ``ThreeCrop``,
    ``TenCrop``) or fixed-size ``Resize`` gives the crop size; ``FormatShape``
    gives the layout. Missing parts fall back to 1 clip of 1 frame, 224
    pixels and the recognizer type.

    Args:
        cfg (mmengine.Config): A full config.

    Returns:
        dict: ``format`` (``'NCHW'`` or ``'NCTHW'``), ``num_clips``,
        ``clip_len``, ``crop_size`` (``(h, w)``) and ``found`` (the
        entries read from the pipeline rather than defaulted).
    """
    spec = dict(format=None, num_clips=1, clip_len=1, crop_size=None)
    found = []
    for step in _test_pipeline(cfg):
        kind = str(step.get('type', ''))
        if 'clip_len' in step and 'clip_len' not in found:
            spec['clip_len'] = int(step['clip_len'])
            spec['num_clips'] = int(step.get('num_clips', 1))
            found += ['clip_len', 'num_clips']
        if kind in _CROP_TYPES and _as_hw(step.get('crop_size')):
            spec['crop_size'] = _as_hw(step['crop_size'])
            found.append('crop_size')
        elif kind == 'Resize' and not step.get('keep_ratio', True):
            if _as_hw(step.get('scale')):
                spec['crop_size'] = _as_hw(step['scale'])
                found.append('crop_size')
        if kind == 'FormatShape':
            spec['format'] = str(step.get('input_format'))
            found.append('format')
    if spec['format'] not in ('NCHW', 'NCTHW'):
        model_type = str(cfg.get('model', {}).get('type', ''))
        spec['format'] = 'NCTHW' if '3D' in model_type.upper() else 'NCHW'
    if spec['crop_size'] is None:
        spec['crop_size'] = (224, 224)
    spec['found'] = sorted(set(found))
    return spec


def view_input_shape(spec: dict,
                     batch: int = 1,
                     num_segments: Optional[int] = None,
                     input_size: Optional[int] = None) -> Tuple[int, ...]:
    """The recognizer input shape of ``batch`` views.

    2D (``NCHW``) recognizers take ``(batch, num_clips * clip_len, 3, H,
    W)``: one view is all segments of one crop. 3D (``NCTHW``) recognizers
    take ``(batch, 1, 3, clip_len, H, W)``: one view is one clip.

    Args:
        spec (dict): From :func:`view_spec`.
        batch (int): Number of views. Default: 1.
        num_segments (int, optional): Overrides ``num_clips`` (2D) or
            ``clip_len`` (3D). Default: None.
        input_size (int, optional): Overrides the square crop size.
            Default: None.

    Returns:
        tuple[int]: The input shape.
    """
    h, w = (input_size, input_size) if input_size else spec['crop_size']
    if spec['format'] == 'NCTHW':
        clip_len = num_segments or spec['clip_len']
        return (batch, 1, 3, clip_len, h, w)
    num_clips = num_segments or spec['num_clips']
    return (batch, num_clips * spec['clip_len'], 3, h, w)


def prepare_model_cfg(cfg,
                      num_segments: Optional[int] = None) -> Tuple[dict, list]:
    """A copy of ``cfg.model`` without downloads, optionally with
    ``num_segments`` set everywhere.

    Args:
        cfg (mmengine.Config): A full config.
        num_segments (int, optional): See :func:`set_num_segments`.
            Default: None.

    Returns:
        tuple[dict, list[str]]: The model config and the changed keys.
    """
    if 'model' not in cfg:
        raise KeyError(f'config {getattr(cfg, "filename", "")!r} has no '
                       '`model`')
    model_cfg = copy.deepcopy(cfg.model)
    changed = disable_pretrained(model_cfg)
    if num_segments is not None:
        changed += set_num_segments(model_cfg, num_segments)
    return model_cfg, changed


def build_recognizer(model_cfg: dict,
                     init_weights: bool = True,
                     default_scope: str = 'mmaction') -> nn.Module:
    """Build a model from MMAction2's ``MODELS`` and initialise it quietly.

    Args:
        model_cfg (dict): A model config (downloads already stripped, see
            :func:`prepare_model_cfg`).
        init_weights (bool): Call ``model.init_weights()`` with MMEngine's
            per-parameter initialisation log muted. Default: True.
        default_scope (str): Registry scope for unscoped types.
            Default: 'mmaction'.

    Returns:
        nn.Module: The model, in eval mode; converted by
        :func:`mmtin.models.utils.switch_to_deploy` if ``model_cfg`` has
        ``deploy=True`` (popped before building).
    """
    from mmengine.registry import init_default_scope

    from mmaction.registry import MODELS
    from mmtin.models.utils.deploy import pop_deploy_flag, switch_to_deploy
    init_default_scope(default_scope)
    model_cfg = dict(model_cfg)
    deploy = pop_deploy_flag(model_cfg)
    model = MODELS.build(model_cfg)
    if init_weights and hasattr(model, 'init_weights'):
        init_weights_quietly(model)
    return switch_to_deploy(model) if deploy else model.eval()


def init_weights_quietly(model: nn.Module) -> None:
    """``model.init_weights()`` with MMEngine's per-parameter log muted.

    Args:
        model (nn.Module): A model with an ``init_weights`` method.
    """
    import logging

    from mmengine.logging import MMLogger
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        model.init_weights()
    finally:
        logger.setLevel(level)
