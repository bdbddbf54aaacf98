# Copyright (c) OpenMMLab. All rights reserved.
"""The input of one test view of a config.

:func:`view_spec` reads the input of one test view (frames and crop size)
from a config's test pipeline, :func:`view_input_shape` turns it into the
tensor shape a recognizer takes.
"""
from typing import Optional, Tuple

_CROP_TYPES = ('CenterCrop', 'ThreeCrop', 'TenCrop', 'RandomCrop')


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
