# Copyright (c) OpenMMLab. All rights reserved.
"""The one timing loop: round-robin order, warm-up rounds untimed, the
clock read around each call (with a fake clock, no real timing)."""
import pytest

from mmtin.utils import timing


def test_round_robin_with_fake_clock(monkeypatch):
    calls, now = [], [0.0]

    def task(key, cost):
        def run():
            calls.append(key)
            now[0] += cost
        return run

    monkeypatch.setitem(timing.CLOCKS, 'wall', lambda: now[0])
    times = timing.time_interleaved(
        [('a', task('a', 1.0)), ('b', task('b', 2.5))], repeats=3, warmup=2)
    assert calls == ['a', 'b'] * 5  # interleaved, warm-up first
    assert times == {'a': [1.0] * 3, 'b': [2.5] * 3}


def test_bad_arguments():
    with pytest.raises(ValueError, match='clock'):
        timing.time_interleaved([], 1, clock='gpu')
    with pytest.raises(ValueError, match='repeats'):
        timing.time_interleaved([], 0)
    timing.sync('cpu')  # a no-op without CUDA
