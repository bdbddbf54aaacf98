# Copyright (c) OpenMMLab. All rights reserved.
"""Reseed every random number generator at the start of each epoch.

MMEngine seeds ``random``, ``numpy`` and ``torch`` once, when the Runner is
built, and does not save or restore their states in checkpoints. After
``--resume`` the generators therefore continue from the start-up state, not
from where the interrupted run was, so random augmentation (``SampleFrames``
offsets, flips, crops) and dropout differ from an uninterrupted run.
Dataloader workers are reseeded by MMEngine's ``worker_init_fn`` with the
same seed every epoch, which also repeats each epoch's augmentations.

:class:`EpochSeedHook` derives one seed from ``(runner.seed, epoch)`` and
reseeds the main process and the next epoch's dataloader workers with it, so
epoch ``e`` draws the same random numbers whether or not the run was
interrupted before it.
"""
import random
from functools import partial

import numpy as np
import torch
from mmaction.registry import HOOKS
from mmengine.dataset import worker_init_fn as mmengine_worker_init_fn
from mmengine.dist import get_rank
from mmengine.hooks import Hook


def epoch_seed(seed: int, epoch: int) -> int:
    """A well-mixed 32-bit seed for ``(seed, epoch)``.

    Args:
        seed (int): The run's base seed (``runner.seed``).
        epoch (int): The 0-based epoch about to start.

    Returns:
        int: A seed in ``[0, 2**32 - 2**10)`` (room for worker offsets).
    """
    if seed < 0 or epoch < 0:
        raise ValueError(f'seed and epoch must be >= 0, got {seed}, {epoch}')
    state = np.random.SeedSequence([seed, epoch]).generate_state(1)[0]
    return int(state) % (2**32 - 2**10)


def seed_everything(seed: int) -> None:
    """Seed ``random``, ``numpy`` and ``torch`` (all devices)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Make every epoch's randomness a function of ``(seed, epoch)``.

    Put it in ``custom_hooks``. In ``before_train_epoch`` it reseeds
    ``random``, ``numpy`` and ``torch`` with :func:`epoch_seed`, and when the
    train dataloader uses worker processes built with MMEngine's default
    ``worker_init_fn``, it gives that function the epoch's seed (workers of
    rank ``r`` still get ``seed + num_workers * r + worker_id``). With
    ``persistent_workers=True`` the workers are created once and cannot be
    reseeded per epoch, so resumed runs may differ in augmentation; a warning
    says so. Only epoch-based loops are made resumable exactly (a resumed
    iteration-based loop replays skipped batches through the pipeline).

    Args:
        reseed_workers (bool): Also reseed dataloader workers per epoch.
            Default: True.
    """

    priority = 'LOWEST'  # after every other before_train_epoch

    def __init__(self, reseed_workers: bool = True) -> None:
        self.reseed_workers = reseed_workers
        self._warned = False

    def before_train_epoch(self, runner) -> None:
        seed = epoch_seed(runner.seed, runner.epoch)
        seed_everything(seed)
        if self.reseed_workers:
            self._reseed_workers(runner, seed)

    def _reseed_workers(self, runner, seed: int) -> None:
        loader = runner.train_loop.dataloader
        num_workers = getattr(loader, 'num_workers', 0)
        if num_workers == 0:
            return
        init_fn = loader.worker_init_fn
        is_default = init_fn is None or (
            isinstance(init_fn, partial)
            and init_fn.func is mmengine_worker_init_fn)
        if loader.persistent_workers or not is_default:
            if not self._warned:
                why = ('persistent_workers=True' if loader.persistent_workers
                       else f'a custom worker_init_fn ({init_fn})')
                runner.logger.warning(
                    f'EpochSeedHook cannot reseed the dataloader workers '
                    f'per epoch with {why}; random augmentation after '
                    '--resume may differ from an uninterrupted run')
                self._warned = True
            return
        kwargs = dict(init_fn.keywords) if init_fn is not None else {}
        kwargs.update(num_workers=num_workers, rank=get_rank(), seed=seed)
        loader.worker_init_fn = partial(mmengine_worker_init_fn, **kwargs)
