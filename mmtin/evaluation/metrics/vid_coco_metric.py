# Copyright (c) OpenMMLab. All rights reserved.
"""COCO-style mAP of video object detections (pycocotools), overall and on
the degraded frames."""
import contextlib
import io
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from mmtin.models.utils.validators import check_int

#: Frame subsets reported besides ``all``: any degradation, then each kind.
SUBSETS = ('degraded', 'blur', 'occlusion')


def _get(obj, key):
    return obj[key] if isinstance(obj, dict) else getattr(obj, key)


def _numpy(x) -> np.ndarray:
    return x.detach().cpu().numpy() if hasattr(x, 'detach') else np.asarray(x)


def _xywh(boxes: np.ndarray) -> np.ndarray:
    return np.concatenate((boxes[:, :2], boxes[:, 2:] - boxes[:, :2]), 1)


def coco_map(frames: Sequence[dict], num_classes: int,
             frame_ids: Optional[Sequence[int]] = None) -> Dict[str, float]:
    """``mAP`` (IoU .5:.95) and ``mAP_50`` of ``frames`` by pycocotools.

    Args:
        frames (Sequence[dict]): Per frame ``gt_bboxes`` (``[K, 4]`` x1y1x2y2),
            ``gt_labels``, ``bboxes``, ``scores`` and ``labels`` (0-based).
        num_classes (int): Number of classes.
        frame_ids (Sequence[int], optional): Indices of the evaluated frames;
            None: all. Default: None.

    Returns:
        dict: ``mAP`` and ``mAP_50`` (0 when there is no detection).
    """
    images, anns, dets = [], [], []
    for i, f in enumerate(frames):
        images.append(dict(id=i))
        for box, label in zip(_xywh(f['gt_bboxes']), f['gt_labels']):
            anns.append(dict(id=len(anns) + 1, image_id=i,
                             category_id=int(label) + 1,
                             bbox=[float(v) for v in box],
                             area=float(box[2] * box[3]), iscrowd=0))
        for box, score, label in zip(_xywh(f['bboxes']), f['scores'],
                                     f['labels']):
            dets.append(dict(image_id=i, category_id=int(label) + 1,
                             bbox=[float(v) for v in box],
                             score=float(score)))
    if not dets:
        return dict(mAP=0., mAP_50=0.)
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = dict(images=images, annotations=anns, categories=[
            dict(id=c + 1, name=str(c)) for c in range(num_classes)])
        gt.createIndex()
        evaluator = COCOeval(gt, gt.loadRes(dets), 'bbox')
        if frame_ids is not None:
            evaluator.params.imgIds = list(frame_ids)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    stats = evaluator.stats
    return dict(mAP=max(float(stats[0]), 0.), mAP_50=max(float(stats[1]),
                                                          0.))


@METRICS.register_module()
class VIDCocoMetric(BaseMetric):
    """COCO mAP@[.5:.95] (``mAP``) and mAP@0.5 (``mAP_50``) of video object
    detection, through pycocotools' evaluator.

    Reads the samples of ``LSTSVideoDetector`` / ``TwoStageFrameDetector``
    (``pred_instances``, ``gt_instances``: one per frame) with the
    metainfo ``frame_ids``, ``degradations`` and ``scale_factor``
    (``PackVIDInputs``); ground-truth boxes are scaled back to the original
    image like the predictions. Reports ``mAP``/``mAP_50`` over all frames
    and ``<subset>/mAP``/``<subset>/mAP_50`` for the ``degraded`` frames
    (any degradation) and each kind (``blur``, ``occlusion``) present.

    With ``keyframe_interval=k`` it also reports ``keyframe/...`` and
    ``nonkey/...``: the frames at positions ``t % k == 0`` of their test
    clip (where a keyframe detector such as ``LSTSVideoDetector`` runs the
    whole backbone; the memory restarts with every clip) and the others.
    The positions are those of the frames in each test sample, so the same
    split applies to any detector, e.g. the per-frame control.

    Args:
        keyframe_interval (int, optional): ``k`` of the keyframe /
            non-key subsets; None: no such subsets. Default: None.
        collect_device (str): Default: 'cpu'.
        prefix (str, optional): Metric prefix. Default: 'vid'.
    """

    default_prefix = 'vid'

    def __init__(self,
                 keyframe_interval: Optional[int] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if keyframe_interval is not None:
            check_int(keyframe_interval, 'keyframe_interval', 'VIDCocoMetric')
        self.keyframe_interval = keyframe_interval

    def process(self, data_batch, data_samples: Sequence) -> None:
        """Keep every frame's boxes (numpy, original pixels), one list per
        sample."""
        for sample in data_samples:
            meta = sample if isinstance(sample, dict) else sample.metainfo
            scale = float(meta.get('scale_factor', 1.))
            gts = _get(sample, 'gt_instances')
            preds = _get(sample, 'pred_instances')
            frame_ids = meta.get('frame_ids', [None] * len(gts))
            degradations = meta.get('degradations', [''] * len(gts))
            frames = []  # one result per sample: the evaluator counts them
            for t, (fid, degr, gt, pred) in enumerate(
                    zip(frame_ids, degradations, gts, preds)):
                frames.append(dict(
                    frame_id=fid, degradation=degr, position=t,
                    gt_bboxes=_numpy(_get(gt, 'bboxes')).reshape(-1, 4) /
                    scale,
                    gt_labels=_numpy(_get(gt, 'labels')),
                    bboxes=_numpy(_get(pred, 'bboxes')).reshape(-1, 4),
                    scores=_numpy(_get(pred, 'scores')),
                    labels=_numpy(_get(pred, 'labels'))))
            self.results.append(frames)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """mAP overall, per subset of degraded frames and, with
        ``keyframe_interval``, at keyframe and non-key positions."""
        results = [frame for sample in results for frame in sample]
        seen = set()
        for r in results:
            if r['frame_id'] is not None and r['frame_id'] in seen:
                raise ValueError(
                    f'VIDCocoMetric: frame {r["frame_id"]!r} was predicted '
                    'twice (overlapping test clips?)')
            seen.add(r['frame_id'])
        classes = (self.dataset_meta or {}).get('classes')
        labels = [r['gt_labels'] for r in results] + [r['labels']
                                                      for r in results]
        top = max((int(x.max()) + 1 for x in labels if x.size), default=1)
        num_classes = max(len(classes) if classes else 0, top)
        metrics = coco_map(results, num_classes)
        subsets = {subset: [i for i, r in enumerate(results)
                            if (r['degradation'] != '' if subset == 'degraded'
                                else r['degradation'] == subset)]
                   for subset in SUBSETS}
        k = self.keyframe_interval
        if k is not None:
            for subset, key in (('keyframe', True), ('nonkey', False)):
                subsets[subset] = [i for i, r in enumerate(results)
                                   if (r['position'] % k == 0) == key]
        for subset, ids in subsets.items():
            if ids:
                for key, value in coco_map(results, num_classes,
                                           ids).items():
                    metrics[f'{subset}/{key}'] = value
        return metrics
