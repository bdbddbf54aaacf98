# Copyright (c) OpenMMLab. All rights reserved.
"""Detect objects in a video with a video detector config and draw the boxes.

Usage::

    python demo/vid_detection_demo.py VIDEO CONFIG CHECKPOINT OUT \
        [--device cpu] [--score-thr 0.3] [--clip-len 16] [--short-side S]
        [--cfg-options k=v ...]

``CHECKPOINT`` is a checkpoint file or ``none`` (a randomly initialised
model, pretrained downloads removed: only useful to check the plumbing).
The video is read with OpenCV and cut into clips of ``--clip-len`` frames;
each clip runs online through the detector (``LSTSVideoDetector``: full
backbone on keyframes, propagation to the others; the memory restarts
with every clip). ``OUT`` is an mp4 video with the boxes, class names and
scores of the detections above ``--score-thr``.

Example::

    python demo/vid_detection_demo.py ../shared/data/videos/demo.mp4 \
        configs/lsts_vid/lsts_r18_vid_objects.py lsts.pth out.mp4
"""
import argparse
import os.path as osp
import time

import cv2
import numpy as np
import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.structures import BaseDataElement

import mmtin  # noqa: F401  (registration)
from mmtin.apis import NO_CHECKPOINT, build_recognizer

COLOURS = ((0, 200, 255), (255, 80, 80), (80, 255, 80), (255, 0, 255),
           (0, 255, 255), (255, 255, 0))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Draw a video detector\'s boxes on a video')
    parser.add_argument('video', help='input video file')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        'checkpoint',
        help=f'checkpoint file, or "{NO_CHECKPOINT}" for random weights')
    parser.add_argument('out', help='output video (.mp4)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--score-thr', type=float, default=0.3)
    parser.add_argument('--clip-len', type=int, default=16,
                        help='frames per clip (memory window)')
    parser.add_argument('--short-side', type=int, default=None,
                        help='resize frames to this short side')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={})
    return parser.parse_args(argv)


def read_video(path, short_side=None):
    """RGB ``uint8 [T, H, W, 3]`` frames and the frame rate."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'video {path} does not exist')
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if short_side:
            h, w = frame.shape[:2]
            f = short_side / min(h, w)
            frame = cv2.resize(frame, (round(w * f), round(h * f)))
        frames.append(frame[..., ::-1])
    cap.release()
    if not frames:
        raise ValueError(f'empty video: {path} has no readable frames')
    return np.stack(frames), fps


def build_detector(cfg, checkpoint, device):
    """The detector of ``cfg`` with ``checkpoint`` (strictly), in eval
    mode; ``'none'``: random weights."""
    return build_recognizer(cfg, checkpoint=checkpoint, device=device)


def detect(model, frames, clip_len):
    """Per frame ``InstanceData`` detections (clips of ``clip_len``)."""
    dets = []
    for start in range(0, len(frames), clip_len):
        clip = torch.from_numpy(np.ascontiguousarray(
            frames[start:start + clip_len])).permute(0, 3, 1, 2)
        sample = BaseDataElement(metainfo=dict(
            img_shape=tuple(frames.shape[1:3])))
        data = model.data_preprocessor(
            dict(inputs=[clip], data_samples=[sample]), False)
        with torch.no_grad():
            out = model.predict(data['inputs'], data['data_samples'])
        dets.extend(out[0].pred_instances)
    return dets


def draw(frame, det, classes, score_thr):
    """BGR frame with the boxes scoring above ``score_thr``."""
    img = np.ascontiguousarray(frame[..., ::-1])
    for box, score, label in zip(det.bboxes.tolist(), det.scores.tolist(),
                                 det.labels.tolist()):
        if score < score_thr:
            continue
        colour = COLOURS[label % len(COLOURS)]
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        cv2.rectangle(img, (x1, y1), (x2, y2), colour, 1)
        name = classes[label] if label < len(classes) else str(label)
        cv2.putText(img, f'{name} {score:.2f}', (x1, max(y1 - 2, 8)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.3, colour, 1)
    return img


def main(argv=None):
    args = parse_args(argv)
    if args.clip_len < 1:
        raise ValueError(f'--clip-len must be >= 1, got {args.clip_len}')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    frames, fps = read_video(args.video, args.short_side)
    model = build_detector(cfg, args.checkpoint, args.device)
    start = time.time()
    dets = detect(model, frames, args.clip_len)
    seconds = time.time() - start
    classes = tuple(cfg.get('classes', ()))
    h, w = frames.shape[1:3]
    writer = cv2.VideoWriter(args.out, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (w, h))
    kept = 0
    for frame, det in zip(frames, dets):
        writer.write(draw(frame, det, classes, args.score_thr))
        kept += int((det.scores >= args.score_thr).sum())
    writer.release()
    print(f'{len(frames)} frames, {kept} boxes >= {args.score_thr} drawn, '
          f'{len(frames) / seconds:.1f} frames/s -> {args.out}')
    return dets


if __name__ == '__main__':
    main()
