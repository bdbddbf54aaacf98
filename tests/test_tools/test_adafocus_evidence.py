# Copyright (c) OpenMMLab. All rights reserved.
"""The AdaFocus evidence tool's summary/claim logic, and the python snippet
of docs/adafocus.md runs as-is."""
import re
import runpy

import pytest

from script_loader import REPO_ROOT, load_script


def _seed(a, b, c, a2=0.5):
    return dict(a=dict(top1=a, gflops=0.03, seconds=1.),
                a2=dict(top1=a2, gflops=0.03, seconds=1.),
                b=dict(top1=b, gflops=0.10, seconds=1.),
                c=dict(top1=c, gflops=0.03, seconds=1.))


def test_summary_and_claim_checks(tmp_path):
    ev = load_script('tools/analysis/adafocus_evidence.py')
    rows, checks = ev.summarize({0: _seed(.90, .91, .60),
                                 1: _seed(.92, .93, .62),
                                 2: _seed(.91, .92, .61)})
    assert rows['a']['mean'] == pytest.approx(91.0)
    assert rows['a']['std'] == pytest.approx(1.0)
    assert checks == dict(a_within_2_points_of_b=True,
                          a_flops_at_most_half_of_b=True,
                          a_clearly_above_c=True,
                          a2_within_2_points_of_b=False,
                          a2_flops_at_most_half_of_b=True,
                          a2_clearly_above_c=False)
    table = ev.markdown(rows, checks, [0, 1, 2])
    assert '| (a) AdaFocus V1, PPO policy (patch P) | 91.0 ± 1.0 |' in table
    assert '| (a2) AdaFocusV2, differentiable crop (patch P) | 50.0 ± 0.0 |' \
        in table
    assert '30% |' in table
    _, checks = ev.summarize({0: _seed(.80, .91, .78),
                              1: _seed(.81, .93, .80)})
    assert not checks['a_within_2_points_of_b']
    assert not checks['a_clearly_above_c']
    ev.plot(rows, str(tmp_path / 'plot.png'))
    assert (tmp_path / 'plot.png').stat().st_size > 0


def test_docs_snippet_runs(tmp_path):
    text = (REPO_ROOT / 'docs' / 'adafocus.md').read_text()
    snippets = re.findall(r'```python\n(.*?)```', text, re.S)
    assert snippets
    for i, code in enumerate(snippets):
        path = tmp_path / f'snippet{i}.py'
        path.write_text(code)
        runpy.run_path(str(path), run_name='__main__')
