# Copyright (c) OpenMMLab. All rights reserved.
"""Load a checkpoint into a built model, strictly by default.

MMEngine's ``load_checkpoint`` (and MMAction2's ``init_recognizer``) only
log keys that do not match, so a checkpoint of another architecture loads
"successfully" into a randomly initialised model. :func:`load_checkpoint`
raises :class:`CheckpointMismatchError` instead, naming the first few
missing, unexpected and wrongly shaped keys with their counts, unless the
caller opts out with ``strict=False``.
"""
import os.path as osp
from typing import Dict, List

from torch import nn

SHOWN_KEYS = 5


class CheckpointMismatchError(RuntimeError):
    """A checkpoint whose keys do not match the model's."""


def _state_dict(checkpoint) -> Dict:
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


def load_checkpoint(model: nn.Module,
                    filename: str,
                    *,
                    strict: bool = True,
                    map_location: str = 'cpu') -> dict:
    """Load ``filename`` into ``model``.

    Args:
        model (nn.Module): The built model.
        filename (str): A local checkpoint file (a Runner checkpoint or a
            plain ``{'state_dict': ...}`` / state dict file) or a URL.
        strict (bool): Raise if any key is missing, unexpected or of
            another shape. With False, the matching keys are loaded and
            MMEngine logs the rest. Default: True.
        map_location (str): Where to load the tensors. Default: 'cpu'.

    Returns:
        dict: The loaded checkpoint.

    Raises:
        FileNotFoundError: If a local ``filename`` does not exist.
        CheckpointMismatchError: If ``strict`` and the keys do not match,
            listing the first few of each kind with their counts.
    """
    from mmengine.runner import CheckpointLoader, load_state_dict
    filename = str(filename)
    if '://' not in filename and not osp.isfile(filename):
        raise FileNotFoundError(
            f'checkpoint not found: {filename} (build_recognizer takes None '
            "or 'none' for a randomly initialised model)")
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location)
    state = _state_dict(checkpoint)
    if strict:
        problems = mismatch_report(model, state)
        if problems:
            raise CheckpointMismatchError(
                f'checkpoint {filename} does not fit '
                f'{type(model).__name__}: ' + '; '.join(problems) +
                '. Is it a checkpoint of another architecture or config? '
                'Pass strict=False to load only the matching keys')
    load_state_dict(model, state, strict=False)
    return checkpoint
