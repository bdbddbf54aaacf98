# Copyright (c) OpenMMLab. All rights reserved.
"""Interlacing a conv: :class:`InterlacedConv` and the helpers that put it
into residual blocks (shared by ``TINResNet``, ``TINInserter`` and any
backbone that wants TIN).

Vocabulary: TIN *interlaces* channels (the op, :class:`TemporalInterlace`);
a conv with a ``TemporalInterlace`` in front of it is an *interlaced conv*;
:func:`interlace_block` interlaces a residual block's ``conv1``.

A block's first conv ``conv`` becomes ``InterlacedConv(TemporalInterlace(
conv.in_channels, num_segments, shift_div), conv)``, so its weight moves
from ``<conv>.weight`` to ``<conv>.net2.weight``. The wrapper gets a
state-dict pre-hook that moves the two older spellings of that weight to
the new key when they are loaded:

* ``<conv>.weight``: the unwrapped conv (ImageNet / TSN / mmpretrain
  checkpoints);
* ``<conv>.net.weight``: MMAction2's TSM, whose ``TemporalShift`` stores the
  conv as ``net`` (e.g. the TSM-K400 checkpoint that TIN-K400 starts from).

Without the hook those weights would be skipped silently by a non-strict
load (``load_from=``, ``init_cfg=dict(type='Pretrained')``).
"""
from typing import Iterator, Sequence, Tuple

import torch.nn as nn
from torch import Tensor

from ..utils.validators import check_shift_div
from .temporal_interlace import TemporalInterlace

#: Older prefixes of the wrapped conv's parameters, relative to the wrapper.
LEGACY_PREFIXES = ('', 'net.')
_PARAMS = ('weight', 'bias')


class InterlacedConv(nn.Module):
    """``net2(net1(x))``: a TIN module in front of a wrapped layer.

    Same attribute names as MMAction2's ``CombineNet`` (``net1``, ``net2``),
    so ``...conv1.conv.net1.offset_net.conv.weight`` and
    ``...conv1.conv.net2.weight`` keys match its checkpoints.

    Args:
        net1 (nn.Module): The temporal module.
        net2 (nn.Module): The wrapped layer (e.g. a 1x1 conv).
    """

    def __init__(self, net1: nn.Module, net2: nn.Module):
        super().__init__()
        self.net1 = net1
        self.net2 = net2

    def forward(self, x: Tensor) -> Tensor:
        return self.net2(self.net1(x))


def remap_legacy_conv_keys(module, state_dict, prefix, *args) -> None:
    """Load-state-dict pre-hook of :class:`InterlacedConv`.

    Moves ``prefix + 'weight'`` or ``prefix + 'net.weight'`` (and biases) to
    ``prefix + 'net2.weight'`` when the latter is absent.
    """
    for param in _PARAMS:
        new_key = f'{prefix}net2.{param}'
        if new_key in state_dict:
            continue
        for legacy in LEGACY_PREFIXES:
            old_key = f'{prefix}{legacy}{param}'
            if old_key in state_dict:
                state_dict[new_key] = state_dict.pop(old_key)
                break


def interlace_conv(conv: nn.Conv2d, num_segments: int, shift_div: int,
                   where: str) -> InterlacedConv:
    """Put a ``TemporalInterlace`` in front of ``conv``.

    Args:
        conv (nn.Conv2d): The block's first conv.
        num_segments (int): Frames per clip.
        shift_div (int): ``in_channels // shift_div`` channels interlaced.
        where (str): Name of the layer, for error messages.

    Returns:
        InterlacedConv: ``net1`` the TIN module, ``net2`` the conv; loading
        ``<conv>.weight`` or ``<conv>.net.weight`` fills ``net2``.
    """
    if not isinstance(conv, nn.Conv2d):
        raise TypeError(f'{where}: expected an nn.Conv2d to interlace, got '
                        f'{type(conv).__name__}')
    check_shift_div(conv.in_channels, shift_div, where)
    tin = TemporalInterlace(conv.in_channels, num_segments, shift_div)
    wrapped = InterlacedConv(tin, conv)
    wrapped._register_load_state_dict_pre_hook(
        remap_legacy_conv_keys, with_module=True)
    return wrapped


def iter_residual_blocks(
        model: nn.Module,
        block_types: Sequence[str]) -> Iterator[Tuple[str, nn.Module]]:
    """Yield ``(name, block)`` for blocks whose class (or a base class) is
    named in ``block_types``; blocks inside matched blocks are not
    searched."""
    names = set(block_types)

    def matches(module):
        return any(cls.__name__ in names for cls in type(module).__mro__)

    def walk(module, prefix):
        for name, child in module.named_children():
            full = f'{prefix}.{name}' if prefix else name
            if matches(child):
                yield full, child
            else:
                yield from walk(child, full)

    yield from walk(model, '')


def interlace_block(block: nn.Module, name: str, num_segments: int,
                    shift_div: int) -> None:
    """Interlace the input of ``block.conv1``.

    ``conv1`` may be an ``nn.Conv2d`` (torchvision / mmpretrain blocks) or a
    ``ConvModule`` whose ``.conv`` is wrapped (MMAction2 blocks, giving
    MMAction2's ResNetTIN key layout ``conv1.conv.net{1,2}``).
    """
    conv1 = getattr(block, 'conv1', None)
    if isinstance(conv1, nn.Conv2d):
        block.conv1 = interlace_conv(conv1, num_segments, shift_div,
                                     f'{name}.conv1')
    elif isinstance(getattr(conv1, 'conv', None), nn.Conv2d):
        conv1.conv = interlace_conv(conv1.conv, num_segments, shift_div,
                                    f'{name}.conv1.conv')
    else:
        raise TypeError(
            f'{name} ({type(block).__name__}) has no conv1 that TIN can wrap:'
            ' expected an nn.Conv2d or a ConvModule with .conv, got '
            f'{type(conv1).__name__}')
