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
* pass ``test_pipeline=single_view_pipeline(model.cfg)`` (one center-crop
  view of ``num_segments`` segments) to :func:`inference_recognizer`.

:func:`inference_recognizer` below is MMAction2's with this check first, so
the error names ``test_pipeline`` and both fixes.
"""
import copy
from typing import List, Optional

from mmtin.utils.config_checks import find_sampler, segment_problems

MULTI_CROPS = ('TenCrop', 'ThreeCrop', 'mmaction.TenCrop',
               'mmaction.ThreeCrop')


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


def single_view_pipeline(cfg, pipeline=None) -> list:
    """``cfg.test_pipeline`` reduced to one view the model can take.

    ``SampleFrames.num_clips`` becomes ``model.backbone.num_segments`` (for
    TDN too: one 5-frame clip per segment) and ``TenCrop``/``ThreeCrop``
    becomes ``CenterCrop`` of the same ``crop_size``; everything else is
    kept.

    Args:
        cfg (mmengine.Config): The model's config (``model.cfg``).
        pipeline (list[dict], optional): The pipeline to reduce. Default:
            ``cfg.test_pipeline``.

    Returns:
        list[dict]: A new pipeline (``cfg`` is not changed).
    """
    pipeline = copy.deepcopy(
        list(pipeline if pipeline is not None else cfg.test_pipeline))
    backbone = (cfg.get('model') or {}).get('backbone') or {}
    num_segments = backbone.get('num_segments', None)
    found = find_sampler(pipeline)
    if found is not None and num_segments is not None:
        index, sampler = found
        pipeline[index] = dict(sampler, num_clips=num_segments)
        if sampler.get('twice_sample', False):
            pipeline[index]['twice_sample'] = False
    for i, step in enumerate(pipeline):
        if isinstance(step, dict) and step.get('type') in MULTI_CROPS:
            pipeline[i] = dict(type='CenterCrop', crop_size=step['crop_size'])
    return pipeline


def inference_recognizer(model, video, test_pipeline: Optional = None):
    """MMAction2's ``inference_recognizer``, checking the pipeline first.

    Args:
        model (torch.nn.Module): Recognizer from ``init_recognizer``.
        video (str | dict): Video file or pipeline input dict.
        test_pipeline (list[dict] | Compose, optional): Pipeline to use
            instead of ``model.cfg.test_pipeline``. Default: None.

    Returns:
        ActionDataSample: As MMAction2's (``pred_score``).

    Raises:
        ValueError: If the pipeline's views do not hold whole groups of
            ``num_segments`` segments, naming the fix.
    """
    from mmaction.apis import inference_recognizer as mmaction_inference
    from mmengine.dataset import Compose
    from mmengine.registry import init_default_scope

    cfg = model.cfg
    if test_pipeline is None or isinstance(test_pipeline, (list, tuple)):
        problems = pipeline_view_problems(cfg, test_pipeline)
        if problems:
            raise ValueError(
                'inference_recognizer: ' + '; '.join(problems) + '. Set '
                'num_clips in the config\'s test_pipeline to a multiple of '
                'num_segments, or call inference_recognizer(model, video, '
                'test_pipeline=single_view_pipeline(model.cfg)) (from '
                'mmtin.apis) for one center-crop view')
        if test_pipeline is not None:
            init_default_scope(cfg.get('default_scope', 'mmaction'))
            test_pipeline = Compose(list(test_pipeline))
    return mmaction_inference(model, video, test_pipeline)
