# Copyright (c) OpenMMLab. All rights reserved.
"""Let torch >= 2.6 load checkpoints written by MMEngine's Runner.

Since torch 2.6 ``torch.load`` defaults to ``weights_only=True``. A Runner
checkpoint carries ``message_hub`` state: ``HistoryBuffer`` objects (whose
state references ``HistoryBuffer.min`` etc. through ``builtins.getattr``),
numpy arrays, scalars and dtypes. mmengine 0.10.7 calls plain ``torch.load``
for ``--resume``, ``load_from`` and ``tools/test.py``, so they all fail.

Instead of switching weights-only loading off, this adds exactly those types
to torch's allowlist. ``builtins.getattr`` is *not* allowed: the name is mapped
to :func:`history_buffer_getattr`, which only resolves the statistics methods
of ``HistoryBuffer`` and raises for anything else, so a malicious pickle still
cannot reach arbitrary attributes.
"""
import numpy as np
import torch

_GETATTR_NAMES = ('builtins.getattr', '__builtin__.getattr')
# registered by every HistoryBuffer.__init__ (history_buffer.py)
_DEFAULT_STATISTICS = frozenset({'min', 'max', 'current', 'mean'})


def history_buffer_getattr(obj, name):
    """``getattr`` restricted to ``HistoryBuffer``'s statistics methods."""
    from mmengine.logging import HistoryBuffer
    allowed = _DEFAULT_STATISTICS | set(HistoryBuffer._statistics_methods)
    if obj is HistoryBuffer and name in allowed:
        return getattr(obj, name)
    raise torch.serialization.pickle.UnpicklingError(
        f'mmtin: refusing getattr({obj!r}, {name!r}) while loading a '
        'checkpoint; only HistoryBuffer statistics methods are allowed.')


def _numpy_globals():
    multiarray = np._core.multiarray if hasattr(np, '_core') \
        else np.core.multiarray
    found = [np.ndarray, np.dtype, multiarray._reconstruct, multiarray.scalar]
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        found += [
            getattr(dtypes, n) for n in dir(dtypes)
            if n.endswith('DType') and isinstance(getattr(dtypes, n), type)
        ]
    return found


def safe_globals():
    """The globals a Runner checkpoint needs, in ``add_safe_globals`` form."""
    from mmengine.logging import HistoryBuffer
    allowed = [HistoryBuffer] + _numpy_globals()
    allowed += [(history_buffer_getattr, n) for n in _GETATTR_NAMES]
    return allowed


def apply() -> bool:
    """Add the Runner checkpoint globals to torch's weights-only allowlist.

    Returns:
        bool: True if torch has a weights-only allowlist to extend.
    """
    serialization = torch.serialization
    if not hasattr(serialization, 'add_safe_globals'):
        return False  # torch < 2.4: weights_only is off by default there
    serialization.add_safe_globals(safe_globals())
    return True
