# Copyright (c) OpenMMLab. All rights reserved.
"""A model's test pipeline on a video (or on frames in memory), up to the
preprocessed batch the model takes."""
import copy
from typing import Optional, Sequence

import numpy as np

from mmtin.apis import single_view_pipeline

INIT_STEPS = ('DecordInit', 'PyAVInit', 'OpenCVInit')
DECODE_STEPS = ('DecordDecode', 'PyAVDecode', 'OpenCVDecode')


def _type(step) -> str:
    return str(step.get('type', '')).split('.')[-1]


def array_pipeline(pipeline: Sequence[dict]) -> list:
    """``pipeline`` reading frames from ``results['array']`` (MMAction2's
    ``ArrayDecode``) instead of a video file."""
    out = []
    for step in pipeline:
        if _type(step) in INIT_STEPS:
            continue
        if _type(step) in DECODE_STEPS:
            step = dict(type='ArrayDecode')
        out.append(copy.deepcopy(step))
    if not any(_type(s) == 'ArrayDecode' for s in out):
        raise ValueError('the test_pipeline has no DecordDecode / '
                         'PyAVDecode / OpenCVDecode step to read frames')
    return out


def test_pipeline_of(cfg) -> list:
    """``cfg.test_pipeline``, else the test (or val) dataloader's."""
    if cfg.get('test_pipeline', None):
        return list(cfg.test_pipeline)
    for split in ('test_dataloader', 'val_dataloader'):
        dataset = (cfg.get(split, None) or {}).get('dataset', None) or {}
        if dataset.get('pipeline', None):
            return list(dataset['pipeline'])
    raise ValueError(f'config {cfg.filename!r} has no test_pipeline (nor a '
                     'test/val dataloader pipeline) to read the video with')


def run_pipeline(model, video: Optional[str] = None,
                 frames: Optional[Sequence[np.ndarray]] = None,
                 pipeline: Optional[Sequence[dict]] = None) -> dict:
    """The model's single-view test pipeline, collated and preprocessed.

    Args:
        model (nn.Module): A recognizer from
            :func:`mmtin.apis.build_recognizer` (``model.cfg`` set).
        video (str, optional): Video file.
        frames (Sequence[np.ndarray], optional): ``[H, W, 3]`` RGB frames
            in memory instead of ``video``.
        pipeline (Sequence[dict], optional): Default: one view of
            :func:`test_pipeline_of` (``single_view_pipeline``).

    Returns:
        dict: ``raw`` (the pipeline's ``inputs`` before normalisation, one
        sample), ``inputs`` (preprocessed, batch of one) and
        ``data_samples``.
    """
    import torch
    from mmengine.dataset import Compose, pseudo_collate
    from mmengine.registry import init_default_scope
    cfg = model.cfg
    if pipeline is None:
        pipeline = single_view_pipeline(cfg, test_pipeline_of(cfg))
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    if frames is not None:
        steps = Compose(array_pipeline(pipeline))
        data = dict(array=np.stack(frames), total_frames=len(frames),
                    start_index=0, modality='RGB', label=-1)
    else:
        steps = Compose(list(pipeline))
        data = dict(filename=video, label=-1, start_index=0, modality='RGB')
    data = steps(data)
    batch = pseudo_collate([data])
    raw = batch['inputs']
    raw = ({k: v[0] for k, v in raw.items()} if isinstance(raw, dict) else
           raw[0])
    with torch.no_grad():
        batch = model.data_preprocessor(batch, False)
    return dict(raw=raw, inputs=batch['inputs'],
                data_samples=batch['data_samples'])
