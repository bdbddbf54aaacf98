# Copyright (c) OpenMMLab. All rights reserved.
"""Tiny AdaMML models and audio-visual files for the tests."""
import numpy as np
import torch

NUM_CLASSES = 4


def tiny_subnets(num_classes=NUM_CLASSES):
    """Narrow sub-networks: ResNet-18 (8 channels) and MobileNetV2 x0.25."""

    def resnet():
        return dict(type='mmpretrain.ResNet', depth=18, stem_channels=8,
                    base_channels=8)

    def head(ch):
        return dict(type='TSNHead', num_classes=num_classes, in_channels=ch,
                    dropout_ratio=0.0, init_std=0.5)

    return dict(
        rgb=dict(backbone=resnet(), cls_head=head(64)),
        motion=dict(backbone=resnet(), cls_head=head(64)),
        audio=dict(
            backbone=dict(type='mmpretrain.MobileNetV2', widen_factor=0.25),
            cls_head=head(1280), repeat_channels=3))


def tiny_policy():
    mnv2 = dict(type='mmpretrain.MobileNetV2', widen_factor=0.25,
                out_indices=(6, ))
    return dict(
        type='AdaMMLPolicy',
        backbones=dict(rgb=mnv2, audio=mnv2, motion=mnv2),
        feat_channels=dict(rgb=80, audio=80, motion=80),
        repeat_channels=dict(audio=3), mlp_channels=(16, ),
        lstm_channels=8)


def tiny_model_cfg(policy=True, **kwargs):
    """``policy``: True (the tiny policy), False (none) or a config."""
    if policy is True:
        policy = tiny_policy()
    cfg = dict(type='AdaMMLRecognizer', modalities=('rgb', 'audio', 'motion'),
               subnets=tiny_subnets(), policy=policy or None)
    cfg.update(kwargs)
    return cfg


def tiny_inputs(num=2, seg=3, size=32, clip_len=2, seed=0):
    """Preprocessed-like inputs of the three modalities."""
    g = torch.Generator().manual_seed(seed)
    return dict(
        rgb=torch.randn(num, seg, 3, size, size, generator=g),
        motion=torch.randn(num, seg, clip_len, 3, size, size, generator=g),
        audio=torch.randn(num, seg, 1, 16, 16, generator=g))


def frame_index_video(num_frames=16, size=32):
    """Frames whose grey level encodes their index: ``10 * i``."""
    levels = (np.arange(num_frames) * 10).astype(np.uint8)
    return np.broadcast_to(levels[:, None, None, None],
                           (num_frames, size, size, 3)).copy()


def second_half_tone(seconds, sample_rate, freq):
    """Silence, then a tone of ``freq`` Hz from the middle on."""
    t = np.arange(int(round(seconds * sample_rate))) / sample_rate
    wave = 0.5 * np.sin(2 * np.pi * freq * t)
    wave[:len(wave) // 2] = 0
    return wave.astype(np.float32)


def calibrate_bn(module, *args, **kwargs):
    """Set every BatchNorm's running statistics to those of one batch, so
    that an eval-mode network at init passes signals on (mmpretrain's
    fan-out Kaiming init shrinks them in depthwise layers otherwise)."""
    bns = [m for m in module.modules()
           if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average: one batch = its stats
    module.train()
    with torch.no_grad():
        module(*args, **kwargs)
    for bn in bns:
        bn.momentum = 0.1
    module.eval()
