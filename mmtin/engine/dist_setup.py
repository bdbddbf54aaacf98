# Copyright (c) OpenMMLab. All rights reserved.
"""Multi-process (distributed) set-up that also works without a GPU.

MMEngine 0.10.7 assumes a GPU for every launcher: ``init_dist`` calls
``torch.cuda.set_device`` (which fails on a CPU-only torch) and the Runner
passes ``device_ids`` to DDP (which rejects CPU modules). On a machine
without CUDA, :func:`setup_distributed` switches the config to the gloo
backend and the :class:`~mmtin.engine.DeviceAwareDDP` wrapper, and sets up
the process group itself, so the Runner then finds it already initialised.
With CUDA nothing is changed: the Runner does its usual NCCL set-up.
"""
import contextlib
import logging
import os
import sys

import torch
import torch.distributed as torch_dist
from mmengine.dist import init_dist, is_distributed

# the Runner looks wrappers up in MMEngine's root registry: name the scope
_WRAPPER = 'mmaction.DeviceAwareDDP'
_DDP_TYPES = ('MMDistributedDataParallel', 'DeviceAwareDDP', _WRAPPER)


@contextlib.contextmanager
def _cuda_set_device_disabled():
    """Turn ``torch.cuda.set_device`` into a no-op for the duration."""
    original = torch.cuda.set_device
    torch.cuda.set_device = lambda device: None
    try:
        yield
    finally:
        torch.cuda.set_device = original


def setup_distributed(cfg, launcher: str) -> bool:
    """Prepare ``cfg`` (in place) for a multi-process run on the CPU.

    Args:
        cfg (mmengine.Config): The full config of the run.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Returns:
        bool: True if the CPU set-up was applied (a launcher was given and
        CUDA is unavailable).
    """
    if launcher == 'none' or torch.cuda.is_available():
        return False
    if cfg.get('env_cfg', None) is None:
        cfg.env_cfg = dict()
    if cfg.env_cfg.get('dist_cfg', None) is None:
        cfg.env_cfg.dist_cfg = dict()
    cfg.env_cfg.dist_cfg.backend = 'gloo'
    wrapper_cfg = cfg.get('model_wrapper_cfg', None)
    if wrapper_cfg is None:
        cfg.model_wrapper_cfg = dict(type=_WRAPPER)
    elif wrapper_cfg.get('type', 'MMDistributedDataParallel') in _DDP_TYPES:
        wrapper_cfg['type'] = _WRAPPER
    if not is_distributed():
        with _cuda_set_device_disabled():
            init_dist(launcher, **dict(cfg.env_cfg.dist_cfg))
    return True


def teardown_distributed() -> bool:
    """Finish a multi-process run: wait for every rank, then destroy the
    default process group.

    Called by ``tools/train.py`` and ``tools/test.py`` after a finished run.
    Returns:
        bool: True if a process group was torn down (the caller then exits
        with :func:`exit_now`).
    """
    if not (torch_dist.is_available() and torch_dist.is_initialized()):
        return False
    torch_dist.barrier()
    torch_dist.destroy_process_group()
    return True


def exit_now(code: int = 0) -> None:
    """Flush logs and standard streams, then end the process at once.

    Without this, a finished rank of a gloo (CPU) run can still abort while
    the interpreter shuts down (``terminate called without an active
    exception``, exit code -6; seen in about 1 of 5 two-process runs here),
    which fails the whole launch after all its work is saved. Only the
    script entry points call it, after :func:`teardown_distributed`.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
