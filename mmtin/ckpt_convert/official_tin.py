# Copyright (c) OpenMMLab. All rights reserved.
"""Convert official TIN checkpoints (deepcs233/TIN) to mmtin's layout.

The official model is TSM's ``TSN`` wrapper (``base_model``: a torchvision
ResNet whose bottleneck ``conv1`` became ``CombinNet(TemporalDeform,
conv1)``; ``new_fc``: the classifier), saved from ``DataParallel``.
Mapping (spec ``tin.md`` section 3), official keys with
``module.base_model.`` stripped, ``P = layerL.i.conv1``:

* ``P.net1.biasnet.net.{conv,fc,lastlayer}`` ->
  ``P.conv.net1.offset_net.{conv,fc1,fc2}``;
* ``P.net1.weightnet.net.lastlayer`` -> ``P.conv.net1.weight_net.conv``;
* ``P.net2`` -> ``P.conv.net2`` (the original 1x1 conv);
* ``layerL.i.bnK`` -> ``layerL.i.convK.bn``; ``layerL.i.conv{2,3}`` ->
  ``layerL.i.conv{2,3}.conv``;
* ``layerL.i.downsample.{0,1}`` -> ``layerL.i.downsample.{conv,bn}``;
* stem ``conv1`` / ``bn1`` -> ``conv1.conv`` / ``conv1.bn``;
* ``module.new_fc`` (or ``base_model.fc`` of models trained without
  dropout) -> ``cls_head.fc_cls``.

Backbone keys get the ``backbone.`` prefix, ready for a ``Recognizer2D``
with ``TINResNet`` + ``TSMHead``/``SegmentConsensusHead``.
"""
import re
from collections import OrderedDict
from typing import Dict

from .torchvision_resnet import torchvision_to_mmaction_key

_TIN = re.compile(r'^(layer\d+\.\d+)\.conv1\.(net1|net2)\.(.+)$')
_TIN_PARTS = {
    'biasnet.net.conv.': 'offset_net.conv.',
    'biasnet.net.fc.': 'offset_net.fc1.',
    'biasnet.net.lastlayer.': 'offset_net.fc2.',
    'weightnet.net.lastlayer.': 'weight_net.conv.',
}
_MODEL_PREFIXES = ('module.', '')
_TOP_PREFIXES = {'base_model.': 'backbone.', 'new_fc.': 'cls_head.fc_cls.'}


def _convert_trunk_key(key: str) -> str:
    """Official ``base_model`` key (prefix stripped) -> mmtin, or None."""
    match = _TIN.match(key)
    if match:
        block, net, rest = match.groups()
        if net == 'net2':
            return f'{block}.conv1.conv.net2.{rest}'
        for old, new in _TIN_PARTS.items():
            if rest.startswith(old):
                return f'{block}.conv1.conv.net1.{new}{rest[len(old):]}'
        return None
    return torchvision_to_mmaction_key(key)


def _split_prefix(key: str):
    for model_prefix in _MODEL_PREFIXES:
        for top, new_top in _TOP_PREFIXES.items():
            prefix = model_prefix + top
            if key.startswith(prefix):
                return new_top, key[len(prefix):]
    return None, None


def convert_state_dict(state_dict: Dict) -> 'OrderedDict[str, object]':
    """Rename an official TIN state dict; raise on keys it cannot map.

    Args:
        state_dict (dict): ``module.base_model.*`` / ``module.new_fc.*``
            tensors (the ``module.`` prefix is optional).

    Returns:
        OrderedDict: mmtin keys (``backbone.*``, ``cls_head.fc_cls.*``).
    """
    converted, unknown = OrderedDict(), []
    for key, value in state_dict.items():
        new_top, rest = _split_prefix(key)
        if new_top == 'backbone.' and rest in ('fc.weight', 'fc.bias'):
            # with dropout 0 the official model keeps base_model.fc as head
            new_key = 'cls_head.fc_cls.' + rest[3:]
        elif new_top == 'backbone.':
            new_key = _convert_trunk_key(rest)
            new_key = None if new_key is None else new_top + new_key
        elif new_top is not None and rest in ('weight', 'bias'):
            new_key = new_top + rest
        else:
            new_key = None
        if new_key is None:
            unknown.append(key)
        else:
            converted[new_key] = value
    if unknown:
        raise ValueError(
            f'official-tin: {len(unknown)} key(s) are not part of an '
            f'official TIN ResNet checkpoint: {unknown[:10]}'
            f'{" ..." if len(unknown) > 10 else ""}')
    if not converted:
        raise ValueError('official-tin: the checkpoint holds no tensors')
    return converted


def _infer_meta(state_dict: Dict) -> dict:
    """Hyper-parameters that the weights reveal."""
    meta = {}
    fc = state_dict.get('cls_head.fc_cls.weight')
    if fc is not None:
        meta['num_classes'] = int(fc.shape[0])
        meta['in_channels'] = int(fc.shape[1])
    prefix = 'backbone.layer1.0.conv1.conv.'
    fc1 = state_dict.get(prefix + 'net1.offset_net.fc1.weight')
    if fc1 is not None:
        meta['num_segments'] = int(fc1.shape[0])
    folds = state_dict.get(prefix + 'net1.offset_net.conv.weight')
    conv = state_dict.get(prefix + 'net2.weight')
    if folds is not None and conv is not None:
        meta['shift_div'] = int(conv.shape[1]) // int(folds.shape[1])
    blocks = {
        k.split('.')[1] + '.' + k.split('.')[2]
        for k in state_dict if re.match(r'backbone\.layer\d+\.\d+\.', k)
    }
    meta['num_blocks'] = len(blocks)
    return meta


def convert(checkpoint: Dict) -> dict:
    """Convert an official TIN checkpoint.

    Args:
        checkpoint (dict): The loaded file: ``{'state_dict': ..., 'epoch':
            ..., 'arch': ..., 'best_prec1': ...}`` or a bare state dict.

    Returns:
        dict: ``{'state_dict': ..., 'meta': ...}`` for ``load_from=`` /
        ``load_checkpoint(strict=True)``; ``meta`` records the source and
        what the weights reveal (``num_classes``, ``num_segments``,
        ``shift_div``).
    """
    if not isinstance(checkpoint, dict):
        raise TypeError('official-tin: expected a dict checkpoint, got '
                        f'{type(checkpoint).__name__}')
    state_dict = checkpoint.get('state_dict', checkpoint)
    converted = convert_state_dict(state_dict)
    meta = dict(source='official-tin (deepcs233/TIN)')
    for key in ('epoch', 'arch', 'best_prec1'):
        if key in checkpoint and key != 'state_dict':
            value = checkpoint[key]
            meta[key] = value.item() if hasattr(value, 'item') else value
    meta.update(_infer_meta(converted))
    return {'state_dict': converted, 'meta': meta}
