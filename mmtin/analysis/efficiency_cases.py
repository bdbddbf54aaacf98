# Copyright (c) OpenMMLab. All rights reserved.
"""The systems of the ``efficiency`` preset and their plain models.

Published scale (the papers' backbones and input sizes):

* AdaFocus (``adafocus_mnv2_r50_p128_16x_activitynet.py``: MobileNetV2
  glancer, ResNet-50 focuser on 128 x 128 patches of 224 x 224 frames,
  16 frames) against TSN-R50 on the full frames (the focuser's network
  on every whole frame); once without and once with early exit;
* AdaMML (``_base_/models/adamml_r50_mnv2.py``: ResNet-50 RGB and motion
  (2 frames, see ``_adamml``), MobileNetV2 audio (128 x 128), MobileNetV2
  policy; 8 segments at 224) against the same weights with ``keep_all=True``;
* LSTS propagation (``lsts_propagation_r50_8x_k400.py``, deploy form:
  ``LSTSAlign`` by :func:`mmtin.ops.lsts_align_matmul`) against the same
  ResNet-50 with ``keyframe_interval=1`` (full backbone on every frame);
* TDN-R50 (deploy form) against TSN-R50 and TIN-R50 against TSM-R50
  (8 segments at 224);
* MoViNet-A0 and A2 stream (frame by frame) against base on clips of 8
  and 64 frames.

Demo scale: the same pairs with the demo configs (or ResNet-18, MoViNet
at 32 x 32) so that the preset runs in minutes.

Untrained weights make no real decisions: the early-exit threshold is set
on the benchmark batch so that about half of the steps are confident (the
row measures whether the FLOPs saved become time saved).
"""
import copy
from typing import Callable, List, Optional

import torch

from .efficiency import Runner
from .named_models import named_model

SCALES = ('published', 'demo')


class EfficiencyCase:
    """A named system/plain pair; ``build(batch, device)`` gives the two
    :class:`Runner`.

    Args:
        name (str): Row name.
        scale (str): One of :data:`SCALES`.
        build (Callable): ``build(batch, device) -> (system, plain)``.
        goal (str, optional): The issue's goal for the row. Default: None.
    """

    def __init__(self, name: str, scale: str, build: Callable,
                 goal: Optional[str] = None) -> None:
        self.name, self.scale, self.build, self.goal = name, scale, build, goal


def _build(model_cfg):
    from mmtin.apis import build_recognizer
    return build_recognizer(copy.deepcopy(model_cfg))


def _config_model(path: str) -> dict:
    from mmengine.config import Config

    from mmtin.apis import prepare_model_cfg
    from mmtin.compat.config_scope import config_path
    cfg = Config.fromfile(config_path(path))
    return prepare_model_cfg(cfg)[0]


def _frames(batch, segments, size, device):
    torch.manual_seed(0)
    return torch.randn(batch, segments, 3, size, size, device=device)


# ------------------------------------------------------------ AdaFocus
def _adafocus(config, size, early_exit):

    def build(batch, device):
        cfg = _config_model(config)
        cfg['test_cfg'] = None
        system = _build(cfg).to(device)
        segments = system.num_segments
        x = _frames(batch, segments, size, device)
        plain = _build(_focuser_tsn(cfg, system)).to(device)
        if early_exit:
            system.test_cfg['exit_threshold'] = _half_confident(system, x)
        return (Runner('AdaFocus', system, x, adaptive=True),
                Runner('TSN (focuser on whole frames)', plain, x))

    return build


def _focuser_tsn(cfg, model) -> dict:
    """Recognizer2D with AdaFocus's focuser network on the whole frames."""
    with torch.no_grad():
        out = model.focuser(torch.zeros(1, 3, 64, 64))
    out = out[-1] if isinstance(out, (tuple, list)) else out
    return dict(
        type='Recognizer2D', backbone=copy.deepcopy(cfg['focuser']),
        cls_head=dict(type='TSNHead',
                      num_classes=cfg['cls_head']['num_classes'],
                      in_channels=out.shape[1], average_clips='prob',
                      consensus=dict(type='AvgConsensus', dim=1)),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               format_shape='NCHW'))


def _half_confident(model, x) -> float:
    """The median per-step confidence of the batch: about half of the
    steps reach it, so clips exit at different steps."""
    with torch.no_grad():
        logits, _ = model.extract_feat(x)
    return logits.softmax(-1).amax(-1).median().item()


# ------------------------------------------------------------ AdaMML
def _adamml(published: bool):

    def build(batch, device):
        if published:  # R50 RGB / R50 motion / MobileNetV2 audio
            cfg = _config_model('_base_/models/adamml_r50_mnv2.py')
            # motion: 5-frame clips, 4 x 3 difference channels (the
            # policy sees their mean, ``fold_channels``)
            seg, size, clip, audio = 8, 224, 5, 128
        else:
            cfg = _config_model('adamml/_base_adamml_demo.py')
            seg, size, clip, audio = 4, 32, 2, 16
        torch.manual_seed(0)
        inputs = dict(
            rgb=torch.randn(batch, seg, 3, size, size),
            motion=torch.randn(batch, seg, clip, 3, size, size),
            audio=torch.randn(batch, seg, 1, audio, audio))
        inputs = {k: v.to(device) for k, v in inputs.items()}
        system = _build(cfg).to(device)
        plain = _build(dict(cfg, keep_all=True)).to(device)
        plain.load_state_dict(system.state_dict())
        return (Runner('AdaMML', system, inputs, adaptive=True),
                Runner('AdaMML keep_all', plain, inputs, adaptive=True))

    return build


# ------------------------------------------------------------ LSTS
def _lsts(config, size):

    def build(batch, device):
        from mmtin.models.utils import switch_to_deploy
        cfg = _config_model(config)
        # deploy: LSTSAlign computes the alignment by lsts_align_matmul
        system = switch_to_deploy(_build(cfg).to(device))
        plain_cfg = dict(cfg, keyframe_interval=1, low2high=None,
                         fusion=None)
        plain = _build(plain_cfg).to(device)
        x = _frames(batch, system.num_segments, size, device)
        return (Runner('LSTS propagation', system, x, adaptive=True),
                Runner('keyframe every frame', plain, x, adaptive=True))

    return build


# ------------------------------------------------------------ 2D pairs
def _named_pair(system_name, plain_name, size, deploy=False):

    def build(batch, device):
        runners = []
        for name in (system_name, plain_name):
            spec = named_model(name, 8)
            model = _build(spec['cfg']).to(device)
            if deploy and name == system_name:
                from mmtin.models.utils import switch_to_deploy
                model = switch_to_deploy(model)
            x = _frames(batch, 8 * spec['clip_len'], size, device)
            runners.append(Runner(spec['name'], model, x))
        return tuple(runners)

    return build


# ------------------------------------------------------------ MoViNet
def _movinet(arch, frames, size):

    def build(batch, device):
        runners = []
        torch.manual_seed(0)
        x = torch.randn(batch, 1, 3, frames, size, size, device=device)
        for stream in (True, False):
            spec = named_model(f'movinet-{arch}' + ('-stream' * stream))
            model = _build(spec['cfg']).to(device)
            runners.append(Runner(spec['name'], model, x, stream=stream))
        return tuple(runners)

    return build


def efficiency_cases(scale: str = 'published') -> List[EfficiencyCase]:
    """The cases of one scale (see the module docstring).

    Args:
        scale (str): One of :data:`SCALES`.

    Returns:
        list[EfficiencyCase]: The cases.
    """
    if scale not in SCALES:
        raise ValueError(f'scale must be one of {SCALES}, got {scale!r}')
    pub = scale == 'published'
    ada = ('adafocus/adafocus_mnv2_r50_p128_16x_activitynet.py'
           if pub else 'adafocus/_base_adafocus_demo.py')
    ada_size = 224 if pub else 96
    adaptive_goal = 'latency ratio <= FLOPs ratio + 0.15'
    depth = 50 if pub else 18
    size = 224 if pub else 32
    cases = [
        EfficiencyCase('AdaFocus', scale, _adafocus(ada, ada_size, False),
                       adaptive_goal),
        EfficiencyCase('AdaFocus early exit', scale,
                       _adafocus(ada, ada_size, True), adaptive_goal),
        EfficiencyCase('AdaMML', scale, _adamml(pub), adaptive_goal),
        EfficiencyCase(
            'LSTS propagation', scale,
            _lsts('lsts/lsts_propagation_r50_8x_k400.py' if pub else
                  'lsts/lsts_propagation_r18_demo.py', size),
            adaptive_goal),
        EfficiencyCase(f'TDN-R{depth} deploy vs TSN-R{depth}', scale,
                       _named_pair(f'tdn-r{depth}', f'tsn-r{depth}', size,
                                   deploy=True), 'latency ratio <= 1.10'),
        EfficiencyCase(f'TIN-R{depth} vs TSM-R{depth}', scale,
                       _named_pair(f'tin-r{depth}', f'tsm-r{depth}', size),
                       'latency ratio <= 1.02'),
    ]
    for arch in ('a0', 'a2') if pub else ('a0', ):
        for frames in (8, 64):
            cases.append(EfficiencyCase(
                f'MoViNet-{arch.upper()} stream vs base, {frames} frames',
                scale, _movinet(arch, frames, 172 if arch == 'a0' and pub
                                else 224 if pub else 32),
                'stream peak memory flat in clip length (64 vs 8: 10 %)'))
    return cases
