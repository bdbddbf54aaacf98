# Copyright (c) OpenMMLab. All rights reserved.
"""Convert an official TDN checkpoint (MCG-NJU/TDN ``main.py``) to mmtin.

Input: ``{'state_dict': {'module.base_model.<key>': tensor, ...,
'module.new_fc.weight': ...}, 'epoch': ..., ...}`` (the ``module.`` prefix is
optional). Output: ``{'state_dict': ..., 'meta': ...}`` for the model of
``configs/tdn_r50_8x_sthv1.py`` (``Recognizer2D`` + ``TDNResNet`` +
``TSMHead``), loadable with ``load_checkpoint(strict=True)``.

Mapping (official, after ``base_model.`` -> mmtin):

==============================  ============================================
``conv1`` / ``bn1``             ``backbone.conv1.conv`` / ``backbone.conv1.bn``
``conv1_5.0`` / ``conv1_5.1``   ``backbone.diff_conv1.conv`` / ``.bn``
``resnext_layer1``              ``backbone.diff_layer1``
``layer{1..4}_bak``             ``backbone.layer{1..4}``
``convK`` / ``bnK`` (blocks)    ``convK.conv`` / ``convK.bn``
``downsample.0`` / ``.1``       ``downsample.conv`` / ``downsample.bn``
``mse.*``                       ``ltdm.*`` (inner names kept)
``shift.conv.weight``           ``tconv.weight``
``new_fc`` (no ``base_model``)  ``cls_head.fc_cls``
``conv1_temp*``                 dropped (registered, never used)
==============================  ============================================

Every ResNet conv bias (``conv1``, block convs, downsample convs) is folded
into the BN that follows: ``running_mean -= bias``. This is exact: BN
subtracts the running mean (eval) or the batch mean (training, where a
constant bias cancels). ``num_batches_tracked`` is added (0) where missing.
"""
import re
from typing import Dict, Tuple

import torch

BN_KEYS = ('weight', 'bias', 'running_mean', 'running_var',
           'num_batches_tracked')

_BLOCK = re.compile(r'^(?P<layer>resnext_layer1|layer[1-4]_bak)\.'
                    r'(?P<idx>\d+)\.(?P<rest>.+)$')
_MSE_INNER = re.compile(
    r'^(conv1|conv2|conv3|conv3_smallscale2|conv3_smallscale4)\.weight$|'
    r'^(bn1|bn3|bn3_smallscale2|bn3_smallscale4)\.(' + '|'.join(BN_KEYS) +
    r')$')


def _map_conv_bn(rest: str, prefix: str) -> Tuple[str, str, str]:
    """Map ``convK.x``/``bnK.x``/``downsample.{0,1}.x`` inside a block.

    Returns ``(kind, target, bn_target)`` where kind is ``'conv_w'``,
    ``'conv_b'`` or ``'bn'``; bn_target is the BN receiving a folded bias.
    """
    m = re.fullmatch(r'conv([123])\.(weight|bias)', rest)
    if m:
        base = f'{prefix}.conv{m.group(1)}'
        kind = 'conv_w' if m.group(2) == 'weight' else 'conv_b'
        return kind, f'{base}.conv.weight', f'{base}.bn'
    m = re.fullmatch(r'bn([123])\.(\w+)', rest)
    if m and m.group(2) in BN_KEYS:
        return 'bn', f'{prefix}.conv{m.group(1)}.bn.{m.group(2)}', ''
    m = re.fullmatch(r'downsample\.0\.(weight|bias)', rest)
    if m:
        kind = 'conv_w' if m.group(1) == 'weight' else 'conv_b'
        return kind, f'{prefix}.downsample.conv.weight', \
            f'{prefix}.downsample.bn'
    m = re.fullmatch(r'downsample\.1\.(\w+)', rest)
    if m and m.group(1) in BN_KEYS:
        return 'bn', f'{prefix}.downsample.bn.{m.group(1)}', ''
    return '', '', ''


def _map_key(key: str) -> Tuple[str, str, str]:
    """Map one official key (``module.`` stripped) to ``(kind, target,
    bn_target)``; kind ``'drop'`` to drop, ``''`` if unknown."""
    if key.startswith('new_fc.') or key.startswith('base_model.classifier.'):
        param = key.rsplit('.', 1)[1]
        if param in ('weight', 'bias'):
            return 'copy', f'cls_head.fc_cls.{param}', ''
        return '', '', ''
    if not key.startswith('base_model.'):
        return '', '', ''
    key = key[len('base_model.'):]
    if key.startswith('conv1_temp'):
        return 'drop', '', ''
    if key in ('conv1.weight', 'conv1.bias'):
        kind = 'conv_w' if key.endswith('weight') else 'conv_b'
        return kind, 'backbone.conv1.conv.weight', 'backbone.conv1.bn'
    m = re.fullmatch(r'bn1\.(\w+)', key)
    if m and m.group(1) in BN_KEYS:
        return 'bn', f'backbone.conv1.bn.{m.group(1)}', ''
    if key == 'conv1_5.0.weight':
        return 'copy', 'backbone.diff_conv1.conv.weight', ''
    m = re.fullmatch(r'conv1_5\.1\.(\w+)', key)
    if m and m.group(1) in BN_KEYS:
        return 'bn', f'backbone.diff_conv1.bn.{m.group(1)}', ''
    m = _BLOCK.match(key)
    if not m:
        return '', '', ''
    layer = m.group('layer')
    layer = 'diff_layer1' if layer == 'resnext_layer1' else layer[:-4]
    prefix = f'backbone.{layer}.{m.group("idx")}'
    rest = m.group('rest')
    has_tdm = layer in ('layer2', 'layer3', 'layer4')
    if has_tdm and rest.startswith('mse.') and _MSE_INNER.match(rest[4:]):
        kind = 'bn' if rest.startswith('mse.bn') else 'copy'
        return kind, f'{prefix}.ltdm.{rest[4:]}', ''
    if has_tdm and rest == 'shift.conv.weight':
        return 'copy', f'{prefix}.tconv.weight', ''
    return _map_conv_bn(rest, prefix)


def convert(checkpoint: Dict) -> Dict:
    """Convert an official TDN checkpoint.

    Args:
        checkpoint (dict): ``{'state_dict': ..., 'epoch': ...}`` as saved by
            the official ``main.py``, or a bare state dict.

    Returns:
        dict: ``{'state_dict': ..., 'meta': {...}}``; meta holds the source,
        the inferred depth, the number of classes and the official epoch /
        arch / best_prec1 where present.
    """
    if not isinstance(checkpoint, dict):
        raise TypeError('official-tdn: checkpoint must be a dict, got '
                        f'{type(checkpoint).__name__}')
    state = checkpoint.get('state_dict', checkpoint)
    out, biases, unknown, bns = {}, {}, [], set()
    for raw_key, value in state.items():
        key = raw_key[7:] if raw_key.startswith('module.') else raw_key
        kind, target, bn_target = _map_key(key)
        if kind == 'drop':
            continue
        if not kind:
            unknown.append(raw_key)
        elif kind == 'conv_b':
            biases[bn_target] = value
        else:
            if target in out:
                raise ValueError(f'official-tdn: two keys map to {target} '
                                 f'(the second is {raw_key})')
            out[target] = value
            if kind == 'bn':
                bns.add(target.rsplit('.', 1)[0])
    if unknown:
        raise KeyError(
            f'official-tdn: {len(unknown)} unknown key(s), not from an '
            f'official TDN checkpoint: {unknown[:8]}'
            f'{" ..." if len(unknown) > 8 else ""}')
    if 'backbone.diff_conv1.conv.weight' not in out:
        raise KeyError('official-tdn: no base_model.conv1_5.0.weight; this is '
                       'not a TDN checkpoint')
    for bn, bias in biases.items():
        mean_key = f'{bn}.running_mean'
        if mean_key not in out:
            raise KeyError(f'official-tdn: conv bias for {bn} but no BN '
                           f'running_mean ({mean_key}) to fold it into')
        out[mean_key] = out[mean_key] - bias.to(out[mean_key].dtype)
    for bn in bns:
        out.setdefault(f'{bn}.num_batches_tracked',
                       torch.tensor(0, dtype=torch.long))
    depth_blocks = len({k.split('.')[2] for k in out
                        if k.startswith('backbone.layer3.')})
    depth = {6: 50, 23: 101}.get(depth_blocks)
    meta = dict(source='official-tdn', depth=depth)
    if 'cls_head.fc_cls.weight' in out:
        meta['num_classes'] = int(out['cls_head.fc_cls.weight'].shape[0])
    for k in ('epoch', 'arch', 'best_prec1'):
        if k in checkpoint and k != 'state_dict':
            v = checkpoint[k]
            meta[k] = v.item() if isinstance(v, torch.Tensor) else v
    return dict(state_dict=out, meta=meta)
