# Copyright (c) OpenMMLab. All rights reserved.
"""FLOPs of one test clip of a trained model: the study's fallback for rows
whose test metrics report no FLOPs.

This module is the only place of :mod:`mmtin.study` that imports the
project's FLOP counter.
"""
import torch

from mmtin.models.utils.flops import count_flops


def count_clip_gflops(runner) -> float:
    """GFLOPs (1e9 multiply-adds) of one forward pass over the first test
    video (all of its views) of ``runner``'s test dataloader.

    Args:
        runner (mmengine.runner.Runner): A runner after ``test()`` (its
            ``test_dataloader`` built).

    Returns:
        float: The count, by the project's counter (one fused
        multiply-add = one FLOP).
    """
    model = runner.model.module if hasattr(runner.model, 'module') \
        else runner.model
    batch = next(iter(runner.test_loop.dataloader))
    with torch.no_grad():
        data = model.data_preprocessor(batch, False)
    inputs = data['inputs']
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(
            f'count_clip_gflops: the data preprocessor of '
            f'{type(model).__name__} gives {type(inputs).__name__} inputs, '
            'not one tensor; report FLOPs with a test metric instead')
    inputs = inputs[:1]
    return count_flops(model, inputs) / 1e9
