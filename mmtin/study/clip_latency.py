# Copyright (c) OpenMMLab. All rights reserved.
"""Measured latency of one test video of a trained model, so that every
evidence table shows time next to FLOPs.

The call timed is the model's own ``test_step`` (data preprocessor and
``predict``: early exits, skipped segments and propagation included) on
the first video of the test dataloader, with the project's one timing loop
(:func:`mmtin.utils.timing.time_interleaved`). It runs inside the study
process, so the machine's load at that moment is in it: compare rows of one
study (which ran under the same conditions), and use
``tools/analysis/benchmark.py --preset efficiency`` on a quiet machine for
latency ratios to publish.
"""
import statistics

import torch


def first_test_video(runner) -> dict:
    """The first batch of ``runner``'s test dataloader cut to one video."""
    batch = next(iter(runner.test_loop.dataloader))
    return {k: v[:1] if isinstance(v, (list, tuple, torch.Tensor)) else v
            for k, v in batch.items()}


def time_test_video(runner, repeats: int = 10, warmup: int = 2) -> float:
    """Median milliseconds of ``model.test_step`` on one test video.

    Args:
        runner (mmengine.runner.Runner): A runner after ``test()``.
        repeats (int): Timed calls. Default: 10.
        warmup (int): Untimed calls first. Default: 2.

    Returns:
        float: The median, in ms (batch 1, this process's torch threads).
    """
    from mmtin.utils.timing import time_interleaved
    model = runner.model.module if hasattr(runner.model, 'module') \
        else runner.model
    batch = first_test_video(runner)
    model.eval()
    with torch.no_grad():
        times = time_interleaved([('test_step',
                                   lambda: model.test_step(batch))],
                                 repeats, warmup)['test_step']
    return 1000 * statistics.median(times)
