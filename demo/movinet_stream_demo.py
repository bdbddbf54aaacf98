# Copyright (c) OpenMMLab. All rights reserved.
"""Stream a video through a causal MoViNet and print the running top-k.

Usage::

    python demo/movinet_stream_demo.py VIDEO CONFIG [CHECKPOINT] LABEL_MAP \
        [--chunk-size 8] [--topk 5] [--device cpu] [--max-chunks N] \
        [--threads N] [--cfg-options k=v ...]

The video is decoded with decord a chunk at a time: every
``frame_interval``-th frame (the config's test ``SampleFrames``), resized and
centre-cropped like the config's test pipeline, normalised by the model's
data preprocessor, and fed to ``model.stream_step`` with the states of the
previous chunk. After each chunk the prediction for the video so far is
printed. Without ``CHECKPOINT`` the model is randomly initialised (plumbing
only). ``LABEL_MAP`` has one class name per line, in class index order.

Example::

    python demo/movinet_stream_demo.py ../shared/data/videos/demo.mp4 \
        configs/movinet_a0_stream_k600.py ../shared/data/label_map_k400.txt \
        --cfg-options model.cls_head.num_classes=400
"""
import argparse
import os.path as osp
import time

import mmtin  # noqa: F401  (compat fixes + registration)

import decord
import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import Compose, pseudo_collate

from mmtin.apis import build_recognizer

# steps of the test pipeline that read and sample the video: done here
DECODE_STEPS = ('DecordInit', 'DecordDecode', 'SampleFrames', 'OpenCVInit',
                'OpenCVDecode', 'PyAVInit', 'PyAVDecode', 'RawFrameDecode',
                'UntrimmedSampleFrames', 'DenseSampleFrames')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Running top-k of a streaming MoViNet over a video')
    parser.add_argument('video', help='video file')
    parser.add_argument('config', help='config of a streaming recognizer')
    parser.add_argument(
        'files', nargs='+', metavar='[CHECKPOINT] LABEL_MAP',
        help='optional checkpoint, then the label map (one name a line)')
    parser.add_argument('--chunk-size', type=int, default=None,
                        help='frames a chunk (default: the config\'s '
                        'test_cfg.chunk_size, else 8)')
    parser.add_argument('--topk', type=int, default=5)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--deploy', action='store_true',
                        help='run the deploy form (switch_to_deploy after '
                        'loading); same as model.deploy=True')
    parser.add_argument('--max-chunks', type=int, default=None,
                        help='stop after this many chunks')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch CPU threads (default: torch\'s)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings (key=value)')
    args = parser.parse_args(argv)
    if len(args.files) > 2:
        parser.error('expected [CHECKPOINT] LABEL_MAP after CONFIG, got '
                     f'{len(args.files)} files: {args.files}')
    args.checkpoint = args.files[0] if len(args.files) == 2 else None
    args.label_map = args.files[-1]
    for name in ('video', 'config', 'label_map', 'checkpoint'):
        path = getattr(args, name)
        if path is not None and not osp.isfile(path):
            parser.error(f'{name.upper()} file not found: {path}')
    if args.chunk_size is not None and args.chunk_size < 1:
        parser.error(f'--chunk-size must be >= 1, got {args.chunk_size}')
    return args


def build_model(cfg, checkpoint, device, deploy=False):
    """The streaming recognizer of ``cfg``; ``deploy`` (or
    ``model.deploy=True``): its deploy form, converted after loading."""
    model = build_recognizer(cfg, checkpoint=checkpoint, device=device,
                             deploy=deploy)
    if not hasattr(model, 'stream_step'):
        raise TypeError(f'{cfg.filename}: model type {cfg.model.type} has '
                        f'no stream_step; use a streaming config such as '
                        f'configs/movinet_a0_stream_k600.py')
    return model


def frame_pipeline(cfg):
    """The test pipeline minus decoding/sampling, and the frame interval."""
    steps = cfg.get('test_pipeline') or cfg.test_dataloader.dataset.pipeline
    interval = 1
    for step in steps:
        if step['type'] == 'SampleFrames':
            interval = step.get('frame_interval', 1)
    kept = [dict(s) for s in steps if s['type'] not in DECODE_STEPS]
    return Compose(kept), interval


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    with open(args.label_map) as f:
        labels = [line.strip() for line in f if line.strip()]
    num_classes = cfg.model.cls_head.num_classes
    if len(labels) != num_classes:
        raise ValueError(
            f'LABEL_MAP {args.label_map} has {len(labels)} names but the '
            f'model has {num_classes} classes (set e.g. --cfg-options '
            f'model.cls_head.num_classes={len(labels)} for a random-init '
            f'plumbing run)')
    model = build_model(cfg, args.checkpoint, args.device, args.deploy)
    chunk_size = args.chunk_size or (cfg.model.get('test_cfg') or {}).get(
        'chunk_size') or 8
    pipeline, interval = frame_pipeline(cfg)

    reader = decord.VideoReader(args.video)
    indices = list(range(0, len(reader), interval))
    print(f'{args.video}: {len(reader)} frames, every {interval}th -> '
          f'{len(indices)} frames in chunks of {chunk_size}')
    states, shown = {}, 0
    for n, start in enumerate(range(0, len(indices), chunk_size)):
        if args.max_chunks is not None and n >= args.max_chunks:
            break
        idx = indices[start:start + chunk_size]
        frames = list(reader.get_batch(idx).asnumpy())
        h, w = frames[0].shape[:2]
        data = pipeline(
            dict(imgs=frames, img_shape=(h, w), original_shape=(h, w),
                 num_clips=1, clip_len=len(frames), modality='RGB',
                 label=-1))
        batch = model.data_preprocessor(pseudo_collate([data]), False)
        t0 = time.perf_counter()
        with torch.no_grad():
            feat, states = model.stream_step(batch['inputs'][:, 0], states)
            probs = model.cls_head(feat).softmax(dim=-1)[0]
        ms = 1000 * (time.perf_counter() - t0)
        shown += len(idx)
        top = probs.topk(min(args.topk, probs.numel()))
        ranked = ', '.join(f'{labels[i]} {p:.3f}'
                           for p, i in zip(top.values.tolist(),
                                           top.indices.tolist()))
        print(f'chunk {n:3d} frames {idx[0]:5d}-{idx[-1]:5d} '
              f'(seen {shown:4d}, {ms:6.1f} ms): {ranked}')
    return states


if __name__ == '__main__':
    main()
