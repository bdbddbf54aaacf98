# Copyright (c) OpenMMLab. All rights reserved.
"""The one timing loop of the benchmarks: interleaved, synchronised."""
import time
from typing import Callable, Dict, List, Sequence, Tuple

import torch

CLOCKS = dict(wall=time.perf_counter, process=time.process_time)


def sync(device) -> None:
    """Wait for the device's queued kernels (a no-op on the CPU).

    Args:
        device (str | torch.device): The device.
    """
    device = torch.device(device)
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def time_interleaved(tasks: Sequence[Tuple[str, Callable[[], object]]],
                     repeats: int,
                     warmup: int = 0,
                     device='cpu',
                     clock: str = 'wall') -> Dict[str, List[float]]:
    """Time every task ``repeats`` times, round-robin.

    Each round runs every task once, in order, so a change of the machine's
    load during the run hits all tasks alike. ``warmup`` untimed rounds go
    first. Each call is bracketed by :func:`sync`.

    Args:
        tasks (Sequence[tuple[str, Callable]]): ``(key, fn)`` pairs.
        repeats (int): Timed rounds.
        warmup (int): Untimed rounds first. Default: 0.
        device (str | torch.device): Device to synchronise. Default: 'cpu'.
        clock (str): ``'wall'`` (``perf_counter``) or ``'process'`` (CPU
            time of this process). Default: 'wall'.

    Returns:
        dict[str, list[float]]: Seconds per call, per key.
    """
    if clock not in CLOCKS:
        raise ValueError(f'clock must be one of {sorted(CLOCKS)}, got '
                         f'{clock!r}')
    if repeats < 1 or warmup < 0:
        raise ValueError(f'need repeats >= 1 and warmup >= 0, got '
                         f'repeats={repeats}, warmup={warmup}')
    now = CLOCKS[clock]
    times = {key: [] for key, _ in tasks}
    for round_ in range(warmup + repeats):
        for key, fn in tasks:
            sync(device)
            start = now()
            fn()
            sync(device)
            if round_ >= warmup:
                times[key].append(now() - start)
    return times
