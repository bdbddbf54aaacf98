# Copyright (c) OpenMMLab. All rights reserved.
"""Key mapping between torchvision ResNets and MMAction2's ``ResNet``.

MMAction2 wraps each conv+BN pair in a ``ConvModule``, so torchvision's
``layer1.0.conv2.weight`` / ``layer1.0.bn2.*`` become
``layer1.0.conv2.conv.weight`` / ``layer1.0.conv2.bn.*``, the stem
``conv1`` / ``bn1`` becomes ``conv1.conv`` / ``conv1.bn`` and the shortcut
``downsample.0`` / ``downsample.1`` becomes ``downsample.conv`` /
``downsample.bn``. :func:`load_torchvision_resnet` is the one loader of
torchvision ResNet weights (``torchvision://NAME``, URL or file) for the
ImageNet initialisation of :class:`mmtin.models.TINResNet` and
:class:`mmtin.models.TDNResNet`; the key functions are also used by the
official-TIN checkpoint converter.
"""
import importlib.util
import os.path as osp
import re
from typing import Dict, List, Tuple

_STEM = re.compile(r'^(conv1|bn1)\.(.+)$')
_BLOCK = re.compile(r'^(layer\d+\.\d+)\.(conv\d|bn\d)\.(.+)$')
_SHORTCUT = re.compile(r'^(layer\d+\.\d+)\.downsample\.([01])\.(.+)$')


def torchvision_to_mmaction_key(key: str) -> str:
    """Map one torchvision ResNet trunk key to MMAction2's naming.

    Args:
        key (str): e.g. ``'layer2.0.bn1.running_mean'``.

    Returns:
        str: e.g. ``'layer2.0.conv1.bn.running_mean'``, or ``None`` if
        ``key`` is not a ResNet trunk key (e.g. ``fc.weight``).
    """
    match = _STEM.match(key)
    if match:
        part = 'conv' if match.group(1) == 'conv1' else 'bn'
        return f'conv1.{part}.{match.group(2)}'
    match = _BLOCK.match(key)
    if match:
        block, layer, param = match.groups()
        part = 'conv' if layer.startswith('conv') else 'bn'
        return f'{block}.conv{layer[-1]}.{part}.{param}'
    match = _SHORTCUT.match(key)
    if match:
        block, index, param = match.groups()
        part = 'conv' if index == '0' else 'bn'
        return f'{block}.downsample.{part}.{param}'
    return None


def convert_torchvision_resnet(
        state_dict: Dict) -> Tuple[Dict[str, object], List[str]]:
    """Rename a torchvision ResNet state dict to MMAction2's naming.

    Args:
        state_dict (dict): torchvision ResNet weights.

    Returns:
        tuple: the renamed trunk weights, and the keys that are not part of
        the trunk (e.g. ``fc.weight``) and were left out.
    """
    converted, unused = {}, []
    for key, value in state_dict.items():
        new_key = torchvision_to_mmaction_key(key)
        if new_key is None:
            unused.append(key)
        else:
            converted[new_key] = value
    return converted, unused


def resolve_torchvision_url(path: str) -> str:
    """Turn ``torchvision://NAME`` into a URL when torchvision is missing.

    MMEngine resolves ``torchvision://`` through ``import torchvision``,
    which mmcv-lite setups often lack. Without torchvision the URL is looked
    up in the table MMEngine ships (``mmengine/hub/torchvision_0.12.json``,
    the same one MMEngine uses for these names). Other paths, and all paths
    when torchvision is installed, are returned unchanged.

    Args:
        path (str): A checkpoint path, URL or ``torchvision://NAME``.

    Returns:
        str: ``path`` or the URL of ``NAME``.
    """
    prefix = 'torchvision://'
    if not path.startswith(prefix) or importlib.util.find_spec(
            'torchvision') is not None:
        return path
    import mmengine
    table = mmengine.load(
        osp.join(osp.dirname(mmengine.__file__), 'hub',
                 'torchvision_0.12.json'))
    name = path[len(prefix):]
    if name not in table:
        raise KeyError(f'unknown torchvision model {name!r} in pretrained='
                       f'{path!r}; known names: {sorted(table)}')
    return table[name]


def load_torchvision_resnet(
        filename: str) -> Tuple[Dict[str, object], List[str]]:
    """Load torchvision ResNet weights, renamed to MMAction2's naming.

    Args:
        filename (str): A file, a URL or ``torchvision://NAME`` (resolved
            with :func:`resolve_torchvision_url`, so it works without
            torchvision installed).

    Returns:
        tuple: as :func:`convert_torchvision_resnet`: the trunk weights
        (``conv1.conv.weight``, ``layer1.0.conv1.bn.running_mean``, ...) and
        the keys left out (e.g. ``fc.weight``). A ``state_dict`` wrapper and
        a DDP ``module.`` prefix are removed first.
    """
    from mmengine.runner.checkpoint import _load_checkpoint
    ckpt = _load_checkpoint(resolve_torchvision_url(filename),
                            map_location='cpu')
    state = ckpt.get('state_dict', ckpt)
    state = {
        k[7:] if k.startswith('module.') else k: v
        for k, v in state.items()
    }
    return convert_torchvision_resnet(state)
