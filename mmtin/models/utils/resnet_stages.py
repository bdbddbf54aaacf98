# Copyright (c) OpenMMLab. All rights reserved.
"""Run a ResNet backbone in two parts: the stem plus the first stages (the
"low level"), and the remaining stages (the "high level")."""
from torch import Tensor


def check_resnet_split(backbone, num_low_stages: int, owner: str) -> None:
    """Raise unless ``backbone`` has a stem and ``res_layers`` (MMAction2 /
    mmpretrain ``ResNet``) with more than ``num_low_stages`` stages."""
    stages = getattr(backbone, 'res_layers', None)
    if not stages or not hasattr(backbone, 'maxpool'):
        raise TypeError(
            f'{owner}: backbone {type(backbone).__name__} has no stem + '
            'res_layers (use an MMAction2 or mmpretrain ResNet)')
    if isinstance(num_low_stages, bool) or not isinstance(
            num_low_stages, int) or not 0 <= num_low_stages < len(stages):
        raise ValueError(
            f'{owner}: num_low_stages={num_low_stages!r} must be an int in '
            f'[0, {len(stages) - 1}] for a backbone with {len(stages)} '
            'residual stages')


def resnet_low_level(backbone, x: Tensor, num_low_stages: int) -> Tensor:
    """The stem and the first ``num_low_stages`` residual stages."""
    if getattr(backbone, 'deep_stem', False):
        x = backbone.stem(x)
    elif hasattr(backbone, 'norm1'):  # mmpretrain ResNet
        x = backbone.relu(backbone.norm1(backbone.conv1(x)))
    else:  # MMAction2 ResNet: conv1 is a ConvModule
        x = backbone.conv1(x)
    x = backbone.maxpool(x)
    for layer in backbone.res_layers[:num_low_stages]:
        x = getattr(backbone, layer)(x)
    return x


def resnet_high_level(backbone, x: Tensor, num_low_stages: int) -> Tensor:
    """The residual stages after the first ``num_low_stages``."""
    for layer in backbone.res_layers[num_low_stages:]:
        x = getattr(backbone, layer)(x)
    return x
