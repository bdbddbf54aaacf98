# Copyright (c) OpenMMLab. All rights reserved.
"""The models the benchmark builds by name, and its presets.

Names (case-insensitive):

* ``tsn-r50``, ``tsm-r50``, ``tin-r50``, ``tdn-r50`` (any ResNet depth):
  ``Recognizer2D`` with MMAction2's ``ResNet`` + ``TSNHead`` (TSN),
  ``ResNetTSM`` + ``TSMHead`` (TSM, as MMAction2's ``tsm_r50.py``), mmtin's
  ``TINResNet`` (``shift_div=4``) or ``TDNResNet`` (5 frames per segment)
  + ``TSMHead(is_shift=False)``, as in ``configs/_base_/models``;
* ``tsn-r50-sepool``: the TSN with its stem max pool swapped for mmtin's
  ``SeparableMaxPool2d`` (the pool TDN's stems use), the control of the
  ``tdn`` preset;
* ``movinet-a0`` .. ``movinet-a5`` (base) and ``movinet-a0-stream`` ..
  (causal stream variant in a ``MoViNetStreamRecognizer``), 600 classes,
  at the published clip;
* ``rs50`` .. ``rs350``: ``ResNet3dRS`` + ``I3DHead``, 400 classes, 32
  frames at 224.

Anything ending in ``.py`` is a config file.
"""
import re
from typing import Dict, Optional, Tuple

_NORM = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
_RAW = dict(mean=[0., 0., 0.], std=[255., 255., 255.])
#: arch: (published (T, H, W), published GFLOPs, project channels)
MOVINET = dict(
    a0=((50, 172, 172), 2.7, 480), a1=((50, 172, 172), 6.0, 600),
    a2=((50, 224, 224), 10.0, 640), a3=((120, 256, 256), 57.0, 744),
    a4=((80, 290, 290), 110.0, 856), a5=((120, 320, 320), 280.0, 992))
MOVINET_STREAM = dict(
    causal=True, conv_type='2plus1d', se_type='2plus3d',
    act_cfg=dict(type='HSwish'), gate_cfg=dict(type='HSigmoid'))

#: ``--preset`` name -> benchmark.py argument defaults
PRESETS: Dict[str, dict] = {
    'tin': dict(
        models=['tin-r50', 'tsm-r50', 'tsn-r50'], frames=8, input_size=224,
        num_classes=400, repeats=10, warmup=2,
        ref=['TSM-R50', 'TSN-R50']),
    'tdn': dict(
        models=['tdn-r50', 'tsn-r50', 'tsn-r50-sepool'], frames=8,
        input_size=224, num_classes=174, repeats=15, warmup=1,
        flop_check=True, deploy=True,
        ref=['TSN-R50', 'TSN-R50 + separable max pool']),
    'movinet-rs': dict(
        models=[f'movinet-a{i}{s}' for i in range(6)
                for s in ('', '-stream')] + ['rs50', 'rs101'],
        no_infer=True, no_train=True, flops_frames=2),
    'demo': dict(
        models=[f'configs/demo/{m}_r18_demo.py'
                for m in ('tsn', 'tsm', 'tin', 'tdn')],
        frames=8, input_size=32, repeats=20, warmup=3),
    # each system against its plain model (mmtin.analysis.efficiency)
    'efficiency': dict(repeats=10, warmup=2, batches=[1, 8],
                       scale=['published', 'demo']),
    'onnx': dict(
        models=['tin-r50', 'tsm-r50', 'tdn-r50', 'tsn-r50'], frames=8,
        input_size=224, num_classes=400, repeats=5, warmup=1,
        no_train=True, onnxruntime=True, ref=['TSN-R50']),
}

_2D = re.compile(r'^(tsn|tsm|tin|tdn)-r(\d+)(-sepool)?$')
_MOVINET = re.compile(r'^movinet-(a[0-5])(-stream)?$')
_RS = re.compile(r'^(?:resnet3d-)?rs(\d+)$')


class NamedModel(dict):
    """What the benchmark needs to build one named model.

    Keys: ``name`` (table label), ``cfg`` (model config), ``layout``
    (``'2d'`` / ``'3d'``), ``clip_len`` (frames per segment, 2D),
    ``frames`` / ``size`` (default clip, 3D), ``published_gflops``,
    ``post_build`` (callable applied to the built model, or None).
    """


def _sepool(model):
    from mmtin.models.layers.separable_max_pool import SeparableMaxPool2d
    model.backbone.maxpool = SeparableMaxPool2d(
        kernel_size=3, stride=2, padding=1)
    return model


def _model_2d(kind: str, depth: int, segments: int, classes: int) -> dict:
    channels = 512 if depth < 50 else 2048
    head = dict(num_classes=classes, in_channels=channels,
                spatial_type='avg', consensus=dict(type='AvgConsensus',
                                                   dim=1),
                average_clips='prob')
    if kind == 'tsn':
        backbone = dict(type='ResNet', depth=depth, pretrained=None,
                        norm_eval=False)
        head.update(type='TSNHead', dropout_ratio=0.4, init_std=0.01)
    else:
        head.update(type='TSMHead', num_segments=segments,
                    dropout_ratio=0.5, init_std=0.001,
                    is_shift=kind == 'tsm')
        backbone = dict(depth=depth, pretrained=None, norm_eval=False,
                        num_segments=segments)
        if kind == 'tsm':
            backbone.update(type='ResNetTSM', pretrained2d=False,
                            shift_div=8)
        elif kind == 'tin':
            backbone.update(type='TINResNet', shift_div=4,
                            pretrained2d=False)
        else:
            backbone.update(type='TDNResNet', clip_len=5)
    return dict(type='Recognizer2D', backbone=backbone, cls_head=head,
                data_preprocessor=dict(type='ActionDataPreprocessor',
                                       format_shape='NCHW', **_NORM))


def named_model(name: str, segments: int = 8,
                num_classes: Optional[int] = None) -> NamedModel:
    """The :class:`NamedModel` of a benchmark model name.

    Args:
        name (str): See the module docstring.
        segments (int): Segments of 2D models. Default: 8.
        num_classes (int, optional): Classes (default: 400; MoViNet 600).

    Returns:
        NamedModel: The description.
    """
    key = name.lower()
    match = _2D.match(key)
    if match:
        kind, depth, sepool = match.group(1), int(match.group(2)), \
            bool(match.group(3))
        if sepool and kind != 'tsn':
            raise ValueError(f'model {name!r}: -sepool exists for tsn only')
        label = f'{kind.upper()}-R{depth}' + (
            ' + separable max pool' if sepool else '')
        return NamedModel(
            name=label, layout='2d', clip_len=5 if kind == 'tdn' else 1,
            cfg=_model_2d(kind, depth, segments, num_classes or 400),
            post_build=_sepool if sepool else None, published_gflops=None)
    match = _MOVINET.match(key)
    if match:
        arch, stream = match.group(1), bool(match.group(2))
        (t, h, _), gflops, project = MOVINET[arch]
        backbone = dict(type='MoViNet', arch=arch)
        if stream:
            backbone.update(MOVINET_STREAM,
                            use_pos_encoding=arch in ('a3', 'a4', 'a5'))
        cfg = dict(
            type='MoViNetStreamRecognizer' if stream else 'Recognizer3D',
            backbone=backbone,
            cls_head=dict(type='MoViNetHead', num_classes=num_classes or 600,
                          in_channels=project, average_clips='prob'),
            data_preprocessor=dict(type='ActionDataPreprocessor',
                                   format_shape='NCTHW', **_RAW))
        return NamedModel(
            name=f'MoViNet-{arch.upper()}-{"Stream" if stream else "Base"}',
            layout='3d', cfg=cfg, frames=t, size=h, post_build=None,
            published_gflops=None if stream else gflops)
    match = _RS.match(key)
    if match:
        depth = int(match.group(1))
        cfg = dict(
            type='Recognizer3D', backbone=dict(type='ResNet3dRS', depth=depth),
            cls_head=dict(type='I3DHead', num_classes=num_classes or 400,
                          in_channels=2048, average_clips='prob'),
            data_preprocessor=dict(type='ActionDataPreprocessor',
                                   format_shape='NCTHW', **_RAW))
        return NamedModel(name=f'ResNet3dRS-{depth}', layout='3d', cfg=cfg,
                          frames=32, size=224, post_build=None,
                          published_gflops=None)
    raise ValueError(
        f'unknown benchmark model {name!r}: use a config file (.py) or one '
        'of tsn-rD, tsm-rD, tin-rD, tdn-rD, tsn-rD-sepool (D = ResNet '
        'depth), movinet-a0..a5[-stream], rs50..rs350')


def preset_names() -> Tuple[str, ...]:
    """The ``--preset`` choices."""
    return tuple(PRESETS)
