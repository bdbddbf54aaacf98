# Copyright (c) OpenMMLab. All rights reserved.
"""Coverage, random / fixed baselines and the collapse test of
mmtin.analysis.adafocus_coverage, against hand-computed cases."""
import numpy as np
import pytest

from mmtin.analysis.adafocus_coverage import (best_fixed_position, coverage,
                                              policy_spread, random_coverage)


def test_coverage_by_hand():
    # patch 40 at (10, 20); targets 16
    cov = coverage([[10, 20]] * 4, 40, [[20, 30],    # inside
                                        [42, 30],    # 8 of 16 columns in
                                        [42, 52],    # 8 x 8 of 16 x 16 in
                                        [0, 0]], 16)  # outside
    np.testing.assert_allclose(cov['area'], [1, 0.5, 0.25, 0])
    assert cov['whole'].tolist() == [True, False, False, False]
    # half a pixel may stick out (fractional V1 corners), not more
    cov = coverage([[11.2, 20], [11.5, 20], [11.6, 20]], 40, [[11, 30]], 16)
    assert cov['whole'].tolist() == [True, True, False]
    np.testing.assert_allclose(cov['area'][0], 15.8 / 16)
    # the target exactly filling the patch's edge
    assert coverage([0, 0], 40, [24, 24], 16)['whole']


def test_random_coverage_by_hand():
    # frame 100, patch 50: corners uniform on [0, 50]; target 10 at x = y
    # = 45: inside for c in [5, 45] on each axis -> (40 / 50) ** 2
    rnd = random_coverage([[45, 45]], 10, 50, 100, tol=0)
    assert rnd['whole'] == pytest.approx(0.64)
    # overlap on one axis: 10 for c in [5, 45], ramps over [0, 5] and
    # [45, 50] (5 -> 10, 10 -> 5): (10 * 40 + 2 * 7.5 * 5) / 50 = 9.5
    assert rnd['area'] == pytest.approx((9.5 / 10)**2)
    # a patch as large as the frame always covers
    assert random_coverage([[3, 7]], 10, 50, 50)['whole'] == 1
    # agrees with sampling
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 81, (200, 2))
    rnd = random_coverage(targets, 16, 40, 96)
    cov = coverage(rng.uniform(0, 56, (3000, 1, 2)), 40, targets[None], 16)
    assert rnd['whole'] == pytest.approx(cov['whole'].mean(), abs=0.005)
    assert rnd['area'] == pytest.approx(cov['area'].mean(), abs=0.005)


def test_best_fixed_position_by_hand():
    # three frames at the left top, one at the right bottom
    targets = [[0, 0], [4, 2], [10, 8], [80, 80]]
    best = best_fixed_position(targets, 16, 40, 96)
    assert best['whole'] == 0.75
    x, y = best['corner']
    assert 0 <= x <= 0.5 and 0 <= y <= 0.5  # every corner holding all 3
    assert best['area'] == pytest.approx(0.75)
    # no fixed corner beats the oracle: a random sample of corners
    rng = np.random.default_rng(1)
    targets = rng.integers(0, 81, (100, 2))
    best = best_fixed_position(targets, 16, 40, 96)
    for c in rng.integers(0, 57, (50, 2)):
        assert coverage(c, 40, targets, 16)['whole'].mean() <= best['whole']


def test_collapse_detector():
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 81, (400, 2)).astype(float)
    tracker = np.clip(targets + 8 - 20, 0, 56)
    ok = policy_spread(tracker, targets, 40, 16, 96)
    assert not ok['collapsed'] and ok['spread_ratio'] == pytest.approx(1)
    # every frame at one corner
    fixed = policy_spread(np.full((400, 2), 28.0), targets, 40, 16, 96)
    assert fixed['collapsed'] and fixed['top_share'] == 1
    assert fixed['spread'] == 0 and fixed['top_corner'] == (28, 28)
    # 60 % at one corner, the rest tracking: collapsed by the share
    mixed = tracker.copy()
    mixed[:240] = 11.2
    assert policy_spread(mixed, targets, 40, 16, 96)['collapsed']
    # a little jitter around one place: collapsed by the spread
    jitter = 28 + rng.normal(0, 1.5, (400, 2))
    res = policy_spread(jitter, targets, 40, 16, 96)
    assert res['top_share'] < 0.5 and res['collapsed']
    # two positions, half each, far apart: at the share threshold
    two = np.where(np.arange(400)[:, None] % 2, 0.0, 56.0) * np.ones(2)
    res = policy_spread(two, targets, 40, 16, 96)
    assert res['top_share'] == 0.5 and res['collapsed']  # >= 50 %
    # three positions, a third each, far apart: not collapsed
    three = np.array([[0, 0], [56, 0], [28, 56]] * 134, float)[:400]
    assert not policy_spread(three, targets, 40, 16, 96)['collapsed']
