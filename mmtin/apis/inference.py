# Copyright (c) OpenMMLab. All rights reserved.
"""``inference_recognizer`` for mmtin models whose config inherits a stock
multi-view ``test_pipeline``.

MMAction2's ``inference_recognizer(model, video)`` runs ``cfg.test_pipeline``
as it is. Stock TSN-style bases test with e.g. 25 clips x ``TenCrop``; a
temporal model (TIN, TDN, TSM: ``num_segments=8``) then gets 25 frames per
crop, which is not a whole number of segment groups, and its backbone fails
with a batch-size error. Two ways out:

* set ``test_pipeline``'s ``SampleFrames.num_clips`` to a multiple of
  ``model.backbone.num_segments`` in your config, or
* run one view: :func:`inference_recognizer` does by default
  (``views='single'``, :func:`single_view_pipeline`: one clip, one crop,
  for every family); ``views='config'`` runs the config's pipeline, e.g.
  TDN's published 10 clips x 3 crops on Kinetics (30 times the work).

:func:`inference_recognizer` below is MMAction2's with this check first, so
the error names ``test_pipeline`` and both fixes.
"""
import copy
from typing import List, Optional

from mmtin.utils.config_checks import find_sampler, segment_problems

MULTI_CROPS = ('TenCrop', 'ThreeCrop', 'mmaction.TenCrop',
               'mmaction.ThreeCrop')
CROPS_PER_VIEW = {'TenCrop': 10, 'ThreeCrop': 3}
VIEWS = ('single', 'config')


def _as_test_split(cfg, pipeline) -> dict:
    return dict(
        model=cfg.get('model'),
        test_dataloader=dict(dataset=dict(pipeline=pipeline)))


def pipeline_view_problems(cfg, pipeline=None) -> List[str]:
    """Problems of the pipeline ``inference_recognizer`` would run.

    Args:
        cfg (mmengine.Config): The model's config (``model.cfg``).
        pipeline (list[dict], optional): The pipeline to check. Default:
            ``cfg.test_pipeline``.

    Returns:
        list[str]: Problems, naming ``test_pipeline``.
    """
    if pipeline is None:
        pipeline = cfg.get('test_pipeline', None)
    if not pipeline:
        return []
    problems = segment_problems(_as_test_split(cfg, pipeline), ('test', ))
    return [
        p.replace('test_dataloader.dataset.pipeline', 'test_pipeline')
        for p in problems if 'test_dataloader' in p
    ]


def _num_segments(cfg):
    model = cfg.get('model') or {}
    backbone = model.get('backbone') or {}
    head = model.get('cls_head') or {}
    return backbone.get('num_segments', head.get('num_segments', None))


def pipeline_views(cfg, pipeline=None) -> int:
    """How many views (clips x crops) a pipeline gives per video.

    A view is what the model takes once: ``num_segments`` segments of a 2D
    model (TSN-style samplers without ``num_segments``: all clips), one clip
    of a 3D model (``clip_len > 1``), times 3 for ``ThreeCrop`` and 10 for
    ``TenCrop``.

    Args:
        cfg (mmengine.Config): The model's config.
        pipeline (list[dict], optional): Default: ``cfg.test_pipeline``.

    Returns:
        int: The number of views.
    """
    pipeline = list(pipeline if pipeline is not None else
                    cfg.get('test_pipeline', None) or [])
    clips = 1
    found = find_sampler(pipeline)
    if found is not None:
        sampler = found[1]
        num_clips = int(sampler.get('num_clips', 1)) * int(
            sampler.get('num_views', 1)) * (
                2 if sampler.get('twice_sample', False) else 1)
        num_segments = _num_segments(cfg)
        if num_segments:
            clips = max(1, num_clips // int(num_segments))
        elif int(sampler.get('clip_len', 1)) > 1:
            clips = num_clips
    crops = 1
    for step in pipeline:
        kind = str(step.get('type', '')).split('.')[-1] if isinstance(
            step, dict) else ''
        crops *= CROPS_PER_VIEW.get(kind, 1)
    return clips * crops


def single_view_pipeline(cfg, pipeline=None) -> list:
    """``cfg.test_pipeline`` reduced to one view: one clip, one crop.

    The one rule for every family: ``SampleFrames.num_clips`` becomes
    ``model.backbone.num_segments`` (2D models; for TDN one 5-frame clip
    per segment, ``TDNSampleFrames`` with ``num_views=1`` and the
    deterministic ``test_sampling='center'``), or 1 for a 3D model
    (``clip_len > 1`` and no ``num_segments``); ``twice_sample`` is
    dropped; ``TenCrop``/``ThreeCrop`` becomes ``CenterCrop`` of the same
    ``crop_size``. Everything else is kept.

    Args:
        cfg (mmengine.Config): The model's config (``model.cfg``).
        pipeline (list[dict], optional): The pipeline to reduce. Default:
            ``cfg.test_pipeline``.

    Returns:
        list[dict]: A new pipeline (``cfg`` is not changed).
    """
    pipeline = copy.deepcopy(
        list(pipeline if pipeline is not None else cfg.test_pipeline))
    num_segments = _num_segments(cfg)
    found = find_sampler(pipeline)
    if found is not None:
        index, sampler = found
        sampler = dict(sampler)
        if num_segments is not None:
            sampler['num_clips'] = num_segments
        elif int(sampler.get('clip_len', 1)) > 1:
            sampler['num_clips'] = 1
        if sampler.get('twice_sample', False):
            sampler['twice_sample'] = False
        if int(sampler.get('num_views', 1)) > 1:
            sampler.update(num_views=1, test_sampling='center')
        pipeline[index] = sampler
    for i, step in enumerate(pipeline):
        if isinstance(step, dict) and step.get('type') in MULTI_CROPS:
            pipeline[i] = dict(type='CenterCrop', crop_size=step['crop_size'])
    return pipeline


def inference_recognizer(model,
                         video,
                         test_pipeline: Optional = None,
                         *,
                         views: str = 'single',
                         checkpoint: Optional[str] = None,
                         device: str = 'cpu',
                         strict: bool = True):
    """MMAction2's ``inference_recognizer``, on one view by default.

    Args:
        model (torch.nn.Module | str | mmengine.Config): A recognizer (from
            :func:`mmtin.apis.build_recognizer`), or a config to build one
            from with ``checkpoint`` (loaded strictly).
        video (str | dict): Video file or pipeline input dict.
        test_pipeline (list[dict] | Compose, optional): Pipeline to use;
            ``views`` is then ignored. Default: None.
        views (str): ``'single'``: :func:`single_view_pipeline` (one clip,
            one crop); ``'config'``: the config's ``test_pipeline`` as it
            is, e.g. the published 10 clips x 3 crops protocol.
            Default: ``'single'``.
        checkpoint (str, optional): Weights, when ``model`` is a config.
            Default: None (random initialisation).
        device (str): Device, when ``model`` is a config. Default: 'cpu'.
        strict (bool): See :func:`mmtin.apis.load_checkpoint`.
            Default: True.

    Returns:
        ActionDataSample: As MMAction2's (``pred_score``).

    Raises:
        ValueError: If ``views`` is unknown, or the pipeline's views do not
            hold whole groups of ``num_segments`` segments, naming the fix.
        CheckpointMismatchError: If ``checkpoint`` does not fit the model.
    """
    from mmaction.apis import inference_recognizer as mmaction_inference
    from mmengine.config import Config
    from mmengine.dataset import Compose
    from mmengine.registry import init_default_scope

    if views not in VIEWS:
        raise ValueError(f'inference_recognizer: views must be one of '
                         f'{VIEWS}, got {views!r}')
    if isinstance(model, (str, Config)):
        from .builder import build_recognizer
        model = build_recognizer(model, checkpoint=checkpoint,
                                 device=device, strict=strict)
    cfg = model.cfg
    if test_pipeline is None and views == 'single':
        test_pipeline = single_view_pipeline(cfg)
    if test_pipeline is None or isinstance(test_pipeline, (list, tuple)):
        problems = pipeline_view_problems(cfg, test_pipeline)
        if problems:
            raise ValueError(
                'inference_recognizer: ' + '; '.join(problems) + '. Set '
                'num_clips in the config\'s test_pipeline to a multiple of '
                "num_segments, or use views='single' (one center-crop view)")
        if test_pipeline is not None:
            init_default_scope(cfg.get('default_scope', 'mmaction'))
            test_pipeline = Compose(list(test_pipeline))
    return mmaction_inference(model, video, test_pipeline)
