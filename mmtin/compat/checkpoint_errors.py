# Copyright (c) OpenMMLab. All rights reserved.
"""Name the file when a local checkpoint cannot be read.

mmengine 0.10.7's local loader calls ``torch.load`` directly, so a truncated
or partly copied ``.pth`` fails with e.g. ``PytorchStreamReader failed
reading zip archive: failed finding central directory`` and no file name
(``load_from``, ``--resume``, ``tools/test.py``, ``init_recognizer``).
:func:`apply` registers a local loader that re-raises such errors as
:class:`CheckpointLoadError` naming the file and its size, chained to the
original error. Loading itself is unchanged.
"""
import os.path as osp

# substrings of torch's errors for a file that ends too early
_TRUNCATION_HINTS = ('central directory', 'unexpected eof', 'eof',
                     'ran out of input', 'truncated', 'invalid header',
                     'failed reading zip archive', 'file not found in zip')


class CheckpointLoadError(RuntimeError):
    """A checkpoint file exists but cannot be loaded."""


def describe_load_error(filename: str, err: BaseException) -> str:
    """The message of :class:`CheckpointLoadError` for ``filename``."""
    try:
        size = f'{osp.getsize(filename)} bytes'
    except OSError:
        size = 'unknown size'
    msg = (f'cannot load checkpoint {filename} ({size}): '
           f'{type(err).__name__}: {err}')
    if any(hint in str(err).lower() for hint in _TRUNCATION_HINTS) or \
            isinstance(err, EOFError):
        msg += ('. The file looks truncated or is not a PyTorch checkpoint '
                '(an interrupted download, copy or save): fetch or copy it '
                'again')
    return msg


def _wrap(original):
    if getattr(original, '_mmtin_wrapped', False):
        return original

    def load_from_local(filename, map_location):
        try:
            return original(filename, map_location)
        except FileNotFoundError:
            raise  # mmengine's message already names the file
        except Exception as err:
            raise CheckpointLoadError(describe_load_error(
                osp.expanduser(filename), err)) from err

    load_from_local._mmtin_wrapped = True
    load_from_local.__wrapped__ = original
    return load_from_local


def apply() -> bool:
    """Register the naming local loader (idempotent).

    Returns:
        bool: True if the loader was replaced by this call.
    """
    from mmengine.runner.checkpoint import CheckpointLoader
    original = CheckpointLoader._schemes.get('')
    if original is None or getattr(original, '_mmtin_wrapped', False):
        return False
    CheckpointLoader.register_scheme('', _wrap(original), force=True)
    return True
