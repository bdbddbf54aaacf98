# Copyright (c) OpenMMLab. All rights reserved.
"""Recognise the action in one video and print the top-5 labels.

Usage::

    python demo/demo.py VIDEO CONFIG CHECKPOINT LABEL_MAP \
        [--device cpu] [--topk 5] [--views {single,config}]
        [--deploy] [--cfg-options k=v ...]

``CHECKPOINT`` is a checkpoint file (a Runner checkpoint or a plain
``{'state_dict': ...}`` file) or ``none``: a randomly initialised model
(pretrained downloads removed from the config), which is only useful to
check the plumbing. ``LABEL_MAP`` has one class name per line, in class
index order.

The video goes through one view of the config's ``test_pipeline`` (else
``test_dataloader.dataset.pipeline``): one clip, one crop
(:func:`mmtin.apis.single_view_pipeline`), for every model family.
``--views config`` runs the config's pipeline as it is, e.g. TDN's
published Kinetics protocol of 10 clips x 3 crops (30 times the work). A
pipeline written for extracted frames (``RawFrameDecode``) is switched to
decoding the video with decord.

Example::

    python demo/demo.py data/demo/videos/test/00000.mp4 \
        configs/demo/tin_r18_demo.py work_dirs/tin_r18_demo/epoch_8.pth \
        data/demo/label_map.txt --device cpu
"""
import argparse
import copy
import os.path as osp

import mmtin  # noqa: F401  (compat fixes + registration)

import torch
from mmengine.config import Config, DictAction

from mmtin.apis import NO_CHECKPOINT, build_recognizer, inference_recognizer
from mmtin.apis.inference import VIEWS, single_view_pipeline


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Top-k action labels of one video')
    parser.add_argument('video', help='video file')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        'checkpoint',
        help=f'checkpoint file, or "{NO_CHECKPOINT}" for a randomly '
        'initialised model')
    parser.add_argument('label_map', help='class names, one per line')
    parser.add_argument(
        '--device',
        default='cuda:0' if torch.cuda.is_available() else 'cpu',
        help='device to run on')
    parser.add_argument('--topk', type=int, default=5, help='labels shown')
    parser.add_argument(
        '--views', choices=VIEWS, default='single',
        help="'single': one clip, one crop (default); 'config': the "
        "config's test_pipeline as it is (the published multi-view "
        'protocol, several times slower)')
    parser.add_argument(
        '--deploy', action='store_true',
        help='run the deploy form (switch_to_deploy after loading); same '
        'as model.deploy=True')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value pairs')
    args = parser.parse_args(argv)
    if args.topk < 1:
        parser.error('--topk must be >= 1')
    return args


def load_labels(path):
    """Class names, one per non-empty line."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'label map not found: {path}')
    with open(path, encoding='utf-8') as f:
        labels = [line.strip() for line in f if line.strip()]
    if not labels:
        raise ValueError(f'label map {path} has no labels')
    return labels


def video_pipeline(cfg):
    """The config's test pipeline, made to decode a video file."""
    pipeline = cfg.get('test_pipeline', None)
    if pipeline is None:
        dataset = cfg.get('test_dataloader', {}).get('dataset', {})
        pipeline = dataset.get('pipeline', None)
    if not pipeline:
        raise KeyError(f'config {cfg.filename} has no `test_pipeline` (nor '
                       '`test_dataloader.dataset.pipeline`)')
    pipeline = copy.deepcopy(list(pipeline))
    kinds = [str(step.get('type', '')) for step in pipeline]
    if 'RawFrameDecode' in kinds and not any(
            k.endswith('Init') for k in kinds):
        pipeline[kinds.index('RawFrameDecode')] = dict(type='DecordDecode')
        pipeline.insert(0, dict(type='DecordInit'))
    return pipeline


def build_model(cfg, checkpoint, device, deploy=False):
    """:func:`mmtin.apis.build_recognizer` of ``cfg``: no downloads,
    ``checkpoint='none'`` keeps the random initialisation, ``deploy`` (or
    ``model.deploy=True``) gives the deploy form, converted after loading.
    """
    return build_recognizer(cfg, checkpoint=checkpoint, device=device,
                            deploy=deploy)


def predict(video, cfg, checkpoint, labels, device='cpu', topk=5,
            deploy=False, views='single'):
    """Top-k ``(label, score)`` pairs of one video, best first.

    ``views='single'`` runs one clip, one crop; ``'config'`` the config's
    test pipeline as it is.
    """
    if not osp.isfile(video):
        raise FileNotFoundError(f'video not found: {video}')
    model = build_model(cfg, checkpoint, device, deploy)
    pipeline = video_pipeline(cfg)
    if views == 'single':
        pipeline = single_view_pipeline(cfg, pipeline)
    result = inference_recognizer(model, video, test_pipeline=pipeline)
    scores = result.pred_score.detach().float().cpu()
    if scores.numel() != len(labels):
        raise ValueError(
            f'the label map has {len(labels)} labels but the model scores '
            f'{scores.numel()} classes (cls_head.num_classes)')
    values, indices = scores.topk(min(topk, scores.numel()))
    return [(labels[i], float(v)) for v, i in zip(values, indices.tolist())]


def main(argv=None):
    args = parse_args(argv)
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file not found: {args.config}')
    labels = load_labels(args.label_map)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    top = predict(args.video, cfg, args.checkpoint, labels, args.device,
                  args.topk, args.deploy, args.views)
    print(f'The top-{len(top)} labels with corresponding scores are:')
    for label, score in top:
        print(f'{label}: {score:.6f}')


if __name__ == '__main__':
    main()
