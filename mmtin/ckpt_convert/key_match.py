# Copyright (c) OpenMMLab. All rights reserved.
"""Does a state dict fit a model, key for key and shape for shape?

The one check behind every strict checkpoint load of mmtin:
:func:`mmtin.apis.load_checkpoint` (demos, inference, ONNX export,
``build_recognizer``) and :class:`mmtin.engine.StrictLoadHook`
(``tools/test.py`` and ``load_from`` in ``tools/train.py``). It lives
here, below the models, so that both layers can use it.
"""
from typing import Dict, List

from torch import nn

SHOWN_KEYS = 5


class CheckpointMismatchError(RuntimeError):
    """A checkpoint whose keys do not match the model's."""


def state_dict_of(checkpoint) -> Dict:
    """The state dict of a loaded checkpoint, without ``module.`` prefixes.

    Args:
        checkpoint (dict): A Runner checkpoint (``{'state_dict': ...}``) or
            a plain state dict.

    Returns:
        dict: The state dict.

    Raises:
        CheckpointMismatchError: If it holds no dict.
    """
    state = checkpoint
    if isinstance(checkpoint, dict):
        state = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state, dict):
        raise CheckpointMismatchError(
            f'checkpoint holds a {type(state).__name__}, not a state dict')
    # as MMEngine: weights saved from a (Distributed)DataParallel wrapper
    return {(k[len('module.'):] if k.startswith('module.') else k): v
            for k, v in state.items()}


def _listed(kind: str, keys: List[str]) -> str:
    shown = ', '.join(keys[:SHOWN_KEYS])
    more = f', ... ({len(keys) - SHOWN_KEYS} more)' if len(
        keys) > SHOWN_KEYS else ''
    return f'{len(keys)} {kind} key(s): {shown}{more}'


def mismatch_report(model: nn.Module, state: Dict) -> List[str]:
    """What does not match between ``model`` and a state dict.

    Args:
        model (nn.Module): The model.
        state (dict): Its would-be ``state_dict``.

    Returns:
        list[str]: One line per kind of mismatch (missing, unexpected,
        shape), each with the count and the first few keys; empty if
        everything matches.
    """
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [
        f'{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)}'
        for k in own if k in state and hasattr(state[k], 'shape')
        and tuple(state[k].shape) != tuple(own[k].shape)
    ]
    lines = []
    for kind, keys in (('missing', missing), ('unexpected', unexpected),
                       ('wrongly shaped (checkpoint vs model)', shapes)):
        if keys:
            lines.append(_listed(kind, keys))
    return lines


def raise_if_mismatch(model: nn.Module, state: Dict, filename: str,
                      opt_out: str) -> None:
    """Raise :class:`CheckpointMismatchError` if ``state`` does not fit.

    Args:
        model (nn.Module): The model.
        state (dict): The checkpoint's state dict.
        filename (str): The checkpoint, for the message.
        opt_out (str): How the caller opts out, for the message (e.g.
            ``'pass strict=False'``).
    """
    problems = mismatch_report(model, state)
    if problems:
        raise CheckpointMismatchError(
            f'checkpoint {filename} does not fit {type(model).__name__}: ' +
            '; '.join(problems) + '. Is it a checkpoint of another '
            f'architecture or config? {opt_out} to load only the matching '
            'keys')
