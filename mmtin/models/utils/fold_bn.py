# Copyright (c) OpenMMLab. All rights reserved.
"""Fold eval-mode BatchNorm into the convolution that feeds it.

An inference-only conversion, like the modules' own ``switch_to_deploy``:
``BN(conv(x)) = conv'(x)`` with ``w' = w * s``, ``b' = (b - mean) * s +
beta`` and ``s = gamma / sqrt(var + eps)`` per output channel. Which BN
follows which convolution is read from one traced forward (the BN's input
*is* the convolution's output tensor, on every call), not from the order in
which modules were registered, so a BN after a difference, a shift or an
activation is left alone. The folded model is checked against the original
on the same forward before it is returned.
"""
import copy
import weakref
from functools import partial
from typing import Callable, Dict, Optional, Tuple

import torch
import torch.nn as nn
from torch import Tensor

_CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)


def folded_conv_bn(conv: nn.Module, bn: nn.modules.batchnorm._BatchNorm
                   ) -> Tuple[Tensor, Tensor]:
    """Weight and bias of ``conv`` followed by eval-mode ``bn``, as new
    tensors (``conv`` is not changed).

    Args:
        conv (nn.Module): A ``Conv1d/2d/3d`` with ``bn.num_features`` output
            channels, with or without a bias.
        bn (_BatchNorm): Its BatchNorm, with running statistics.

    Returns:
        tuple[Tensor, Tensor]: ``w * s`` and ``(b - mean) * s + beta``.
    """
    if bn.running_mean is None or bn.running_var is None:
        raise ValueError(f'folded_conv_bn: {type(bn).__name__} has no '
                         'running statistics (track_running_stats=False)')
    if conv.out_channels != bn.num_features:
        raise ValueError(f'folded_conv_bn: conv has {conv.out_channels} '
                         f'output channels, BN {bn.num_features}')
    scale = torch.rsqrt(bn.running_var + bn.eps)
    if bn.weight is not None:
        scale = scale * bn.weight
    shift = -bn.running_mean * scale
    if bn.bias is not None:
        shift = shift + bn.bias
    bias = shift if conv.bias is None else conv.bias * scale + shift
    shape = (-1, ) + (1, ) * (conv.weight.dim() - 1)
    return (conv.weight * scale.view(shape).to(conv.weight),
            bias.to(conv.weight))


def fold_bn_into_conv(conv: nn.Module, bn: nn.modules.batchnorm._BatchNorm
                      ) -> None:
    """Fold ``bn`` (eval statistics) into ``conv`` in place
    (:func:`folded_conv_bn`); ``conv`` gets a bias if it has none."""
    with torch.no_grad():
        weight, bias = folded_conv_bn(conv, bn)
        conv.weight.copy_(weight)
        conv.bias = nn.Parameter(bias)


def trace_conv_bn_pairs(model: nn.Module, run: Callable[[nn.Module], object]
                        ) -> Dict[str, str]:
    """``{bn_name: conv_name}`` for every BatchNorm whose input was, on
    every call of one ``run(model)``, the output tensor of one convolution
    (a BN fed by anything else, or by different convolutions, is left
    out)."""
    return _trace(model, run)[0]


def _trace(model, run) -> Tuple[Dict[str, str], object]:
    """:func:`trace_conv_bn_pairs` and what the traced ``run`` returned."""
    outputs = {}  # id(tensor) -> (weakref, conv name)
    seen: Dict[str, Optional[str]] = {}
    handles = []

    def conv_hook(name):
        def hook(module, args, out):
            if isinstance(out, Tensor):
                outputs[id(out)] = (weakref.ref(out), name)
        return hook

    def bn_hook(name):
        def hook(module, args):
            x = args[0] if args else None
            entry = outputs.get(id(x))
            conv = entry[1] if entry and entry[0]() is x else None
            if name in seen and seen[name] != conv:
                conv = None
            seen[name] = conv
        return hook

    for name, module in model.named_modules():
        if isinstance(module, _CONVS):
            handles.append(module.register_forward_hook(conv_hook(name)))
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            handles.append(module.register_forward_pre_hook(bn_hook(name)))
    try:
        with torch.no_grad():
            output = run(model)
    finally:
        for h in handles:
            h.remove()
    pairs = {bn: conv for bn, conv in seen.items() if conv is not None}
    convs = list(pairs.values())
    # a convolution feeding two BNs is folded into neither
    return {bn: c for bn, c in pairs.items() if convs.count(c) == 1}, output


def _outputs(result) -> list:
    """The tensors of a forward's result (data samples' scores)."""
    if isinstance(result, Tensor):
        return [result]
    if isinstance(result, (list, tuple)):
        return [t for r in result for t in _outputs(r)]
    if isinstance(result, dict):
        return [t for v in result.values() for t in _outputs(v)]
    score = getattr(result, 'pred_score', None)
    return [score] if isinstance(score, Tensor) else []


def _seeded(run, model):
    """``run(model)`` without gradients, with torch's RNG seeded the same
    way each time (a model that samples, e.g. a stochastic policy, makes
    the same draws) and restored afterwards."""
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(0)
        return run(model)


def fold_batch_norms(model: nn.Module,
                     run: Callable[[nn.Module], object],
                     rtol: float = 1e-3,
                     atol: float = 1e-4) -> Tuple[nn.Module, int]:
    """A copy of ``model`` (eval mode) with its conv -> BN pairs folded.

    Args:
        model (nn.Module): The model, weights loaded.
        run (Callable): ``run(model)`` runs one forward on a sample input
            and returns its output (tensors or data samples with
            ``pred_score``); used to find the pairs and to check the fold,
            each time with torch's RNG seeded alike.
        rtol (float): Relative tolerance of the check. Default: 1e-3.
        atol (float): Absolute tolerance of the check. Default: 1e-4.

    Returns:
        tuple[nn.Module, int]: The folded copy (each folded BN replaced by
        ``nn.Identity``) and the number of folded BNs.

    Raises:
        ValueError: If the folded copy's outputs differ from the model's
            (e.g. a convolution's output also used before its BN).
    """
    model.eval()
    # the traced forward is also the reference the fold is checked against
    pairs, reference = _trace(model, partial(_seeded, run))
    folded = copy.deepcopy(model).eval()
    for bn_name, conv_name in pairs.items():
        fold_bn_into_conv(folded.get_submodule(conv_name),
                          folded.get_submodule(bn_name))
        parent, _, attr = bn_name.rpartition('.')
        setattr(folded.get_submodule(parent), attr, nn.Identity())
    before, after = _outputs(reference), _outputs(_seeded(run, folded))
    if len(before) != len(after) or not all(
            a.shape == b.shape and torch.allclose(a, b, rtol, atol)
            for a, b in zip(after, before)):
        worst = max(((a - b).abs().max().item()
                     for a, b in zip(after, before) if a.shape == b.shape),
                    default=float('nan'))
        raise ValueError(
            f'fold_batch_norms: the folded {type(model).__name__} differs '
            f'from the original (max abs difference {worst:.3g} over '
            f'{len(before)} outputs; {len(pairs)} BNs folded): a folded '
            "convolution's output is also used elsewhere")
    return folded, len(pairs)
