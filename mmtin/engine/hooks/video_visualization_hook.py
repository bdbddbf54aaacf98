# Copyright (c) OpenMMLab. All rights reserved.
"""MMAction2's ``VisualizationHook``, working with MMAction2 1.2's own
visualizer and data samples (and any input layout mmtin models take).

MMAction2 1.2.0 ships a hook and a visualizer that do not fit together:

* the hook calls ``ActionVisualizer.add_datasample(..., show=...)``, but the
  visualizer's argument is ``show_frames``: ``TypeError: ... unexpected
  keyword argument 'show'`` on the first test batch;
* the hook turns a sample's input into frames with ``permute(1, 2, 3, 0)``,
  right only for one ``[C, T, H, W]`` clip; ``NCHW`` inputs (TSN, TSM, TIN,
  TDN, AdaFocus, LSTS: ``[V * T, C, H, W]``) and ``NCTHW`` ones (``[V, C,
  T, H, W]``) give garbage or fail;
* the visualizer draws ``gt_labels``/``pred_labels`` (``LabelData``, the
  MMAction2 1.0 data sample), which 1.2's samples (``gt_label``,
  ``pred_score``) no longer have, so nothing but the frame number is drawn;
* a sample's index is ``len(batch) * batch_idx``, wrong for a short last
  batch (its pictures overwrite earlier ones).

:class:`VideoVisualizationHook` is the same hook with these fixed, and
small frames (the 32x32 demo clips) enlarged so the text is legible
(``tools/test.py --show-dir`` uses it in place of ``VisualizationHook``).
"""
import math
import os.path as osp
from typing import Optional, Sequence

import numpy as np
import torch
from mmaction.engine.hooks import VisualizationHook
from mmaction.registry import HOOKS
from mmengine.structures import LabelData


def clip_frames(inputs) -> Optional[np.ndarray]:
    """``[F, H, W, 3]`` uint8 frames of one sample's (unnormalised) input.

    Args:
        inputs (Tensor | dict): One sample of ``data_batch['inputs']``:
            ``[V * T, 3, H, W]`` (NCHW), ``[V, 3, T, H, W]`` (NCTHW) or
            ``[3, T, H, W]``; a dict of modalities (AdaMML) gives its
            ``rgb`` / ``imgs`` entry.

    Returns:
        np.ndarray | None: The frames of every view in order, or None if
        the input holds no 3-channel frames.
    """
    if isinstance(inputs, dict):
        for key in ('imgs', 'rgb'):
            if key in inputs:
                return clip_frames(inputs[key])
        return None
    if not isinstance(inputs, torch.Tensor):
        return None
    x = inputs.detach().cpu()
    if x.dim() == 5 and x.shape[1] == 3:  # [V, C, T, H, W]
        x = x.permute(0, 2, 3, 4, 1).flatten(0, 1)
    elif x.dim() == 5 and x.shape[2] == 3:  # [V, T, C, H, W] (AdaMML rgb)
        x = x.flatten(0, 1).permute(0, 2, 3, 1)
    elif x.dim() == 4 and x.shape[1] == 3:  # [V * T, C, H, W]
        x = x.permute(0, 2, 3, 1)
    elif x.dim() == 4 and x.shape[0] == 3:  # [C, T, H, W]
        x = x.permute(1, 2, 3, 0)
    else:
        return None
    return x.float().clamp(0, 255).numpy().astype(np.uint8)


def with_label_data(data_sample, topk: int = 5):
    """A copy of ``data_sample`` that also has MMAction2 1.0's
    ``gt_labels`` and ``pred_labels`` (the fields ``ActionVisualizer``
    draws).

    Args:
        data_sample (ActionDataSample): A predicted sample of MMAction2 1.2
            (``gt_label``, ``pred_score``).
        topk (int): Predicted classes drawn (best first). Default: 5.

    Returns:
        ActionDataSample: The copy.
    """
    sample = data_sample.clone()
    if 'gt_label' in sample:
        sample.gt_labels = LabelData(item=sample.gt_label)
    if 'pred_score' in sample:
        score = sample.pred_score.detach().cpu().float()
        k = min(topk, score.numel())
        sample.pred_labels = LabelData(
            item=score.topk(k).indices, score=score)
    return sample


@HOOKS.register_module()
class VideoVisualizationHook(VisualizationHook):
    """``VisualizationHook`` that runs on MMAction2 1.2 with mmtin models.

    Same arguments as MMAction2's hook, plus ``topk``; ``show`` becomes the
    visualizer's ``show_frames``.

    Args:
        enable (bool): Draw at all. Default: False.
        interval (int): Draw every ``interval``-th sample. Default: 5000.
        show (bool): Show the frames in a window. Default: False.
        out_dir (str, optional): Save the drawn frames under this folder
            (``<video name>_<step>/frames_<step>/<i>.png``). Default: None.
        topk (int): Predicted classes drawn per sample. Default: 5.
        min_size (int): Frames whose shorter side is smaller are enlarged to
            it before drawing. Default: 256.
        **kwargs: Other arguments of ``ActionVisualizer.add_datasample``
            (``wait_time``, ``out_type``, ``fps``, ...).
    """

    def __init__(self,
                 enable: bool = False,
                 interval: int = 5000,
                 show: bool = False,
                 out_dir: Optional[str] = None,
                 topk: int = 5,
                 min_size: int = 256,
                 **kwargs) -> None:
        if 'show_frames' in kwargs:
            raise ValueError('VideoVisualizationHook: give show, not '
                             'show_frames')
        if not isinstance(interval, int) or interval < 1:
            raise ValueError('VideoVisualizationHook: interval must be an '
                             f'int >= 1, got {interval!r}')
        super().__init__(
            enable=enable, interval=interval, show=show, out_dir=out_dir,
            **kwargs)
        self.topk = topk
        self.min_size = min_size
        self.draw_args = {**kwargs, 'show_frames': show}
        self._seen = 0  # samples of the current val/test loop

    def before_val_epoch(self, runner) -> None:
        self._seen = 0

    def before_test_epoch(self, runner) -> None:
        self._seen = 0

    def _draw_samples(self,
                      batch_idx: int,
                      data_batch: dict,
                      data_samples: Sequence,
                      step: int = 0) -> None:
        if self.enable is False:
            return
        batch_size = len(data_samples)
        start_idx = self._seen
        end_idx = start_idx + batch_size
        self._seen = end_idx
        first = math.ceil(start_idx / self.interval) * self.interval
        inputs = data_batch['inputs']
        for sample_id in range(first, end_idx, self.interval):
            i = sample_id - start_idx
            one = ({k: v[i] for k, v in inputs.items()} if isinstance(
                inputs, dict) else inputs[i])
            video = clip_frames(one)
            if video is None:
                continue  # e.g. audio only: nothing to draw on
            data_sample = data_samples[i]
            if 'filename' in data_sample:
                name = osp.basename(data_sample.get('filename'))
            elif 'frame_dir' in data_sample:
                name = osp.basename(data_sample.get('frame_dir'))
            else:
                name = str(sample_id)
            draw_args = dict(self.draw_args)
            short = min(video.shape[1:3])
            if short < self.min_size and 'rescale_factor' not in draw_args:
                draw_args['rescale_factor'] = self.min_size / short
            if self.out_dir is not None:
                draw_args['out_path'] = self.file_client.join_path(
                    self.out_dir, f'{name}_{step}')
            self._visualizer.add_datasample(
                name,
                video=list(video),
                data_sample=with_label_data(data_sample, self.topk),
                step=step,
                **draw_args)
