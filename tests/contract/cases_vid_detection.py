# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for the VID detection types (transforms, heads,
detectors)."""
import os
import tempfile

import cv2
import numpy as np
import torch


def _vid_results():
    """One 2-frame clip on disk, as ``ImageNetVIDDataset`` describes it."""
    folder = tempfile.mkdtemp(prefix='mmtin_vid_contract_')
    frames = []
    for t in range(2):
        path = os.path.join(folder, f'{t:06d}.png')
        cv2.imwrite(path, np.full((24, 32, 3), 40 * t, np.uint8))
        frames.append(dict(img_path=path, frame_id=f's/{t:06d}', width=32,
                           height=24, degradation='',
                           gt_bboxes=np.array([[2., 3., 12., 20.]],
                                              np.float32),
                           gt_labels=np.array([1])))
    return dict(snippet='s', frames=frames)


def _check_loaded(out):
    assert out['img_shape'] == (12, 16) and out['scale_factor'] == 0.5
    assert out['frames'][0]['gt_bboxes'].tolist() == [[1, 1.5, 6, 10]]


def _check_packed(out):
    assert out['inputs'].shape == (2, 3, 24, 32)
    assert out['data_samples'].frame_ids == ['s/000000', 's/000001']
    assert out['data_samples'].gt_instances[0].labels.tolist() == [1]


CASES = {
    'LoadVIDFrames':
    dict(cfg=dict(type='LoadVIDFrames', scale=(12, 100)),
         inputs=lambda: (_vid_results(), ),
         check=_check_loaded),
    'PackVIDInputs':
    dict(cfg=dict(type='PackVIDInputs'),
         inputs=lambda: (dict(_vid_results(), imgs=[
             np.zeros((24, 32, 3), np.uint8)] * 2, img_shape=(24, 32),
             ori_shape=(24, 32), scale_factor=1.), ),
         check=_check_packed),
}


def _detector_case(cfg):
    from vid_detection_helpers import clip_samples
    return dict(cfg=cfg, inputs=lambda: clip_samples(n=1, t=3),
                call=lambda m, x, s: m(x, s, mode='loss'))


def _detection_cases():
    from vid_detection_helpers import FRAME, ROI, RPN, VIDEO
    return {
        'AnchorRPNHead':
        dict(cfg=RPN, inputs=lambda: (torch.randn(2, 32, 4, 4), )),
        'RoIBoxHead':
        dict(cfg=ROI,
             inputs=lambda: (torch.randn(2, 32, 4, 4),
                             torch.tensor([[0, 1., 2., 20., 30.],
                                           [1, 5., 5., 9., 12.]]))),
        'TwoStageFrameDetector': _detector_case(FRAME),
        'LSTSVideoDetector': _detector_case(VIDEO),
    }


CASES.update(_detection_cases())
