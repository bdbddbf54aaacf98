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

from torch import nn

from mmtin.ckpt_convert.key_match import (CheckpointMismatchError,
                                          mismatch_report, raise_if_mismatch,
                                          state_dict_of)

__all__ = ['CheckpointMismatchError', 'load_checkpoint', 'mismatch_report']


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
    state = state_dict_of(checkpoint)
    if strict:
        raise_if_mismatch(model, state, filename, 'Pass strict=False')
    load_state_dict(model, state, strict=False)
    return checkpoint
