# Copyright (c) OpenMMLab. All rights reserved.
import pytest

from mmtin.analysis import fmt, markdown_table


def test_markdown_table():
    text = markdown_table(['a', 'b'], [[1.234, None], ['x', 2]])
    assert text.splitlines() == [
        '| a | b |', '|---|---|', '| 1.23 | - |', '| x | 2.00 |'
    ]
    assert fmt('') == '-' and fmt(3, '.0f') == '3' and fmt(True) == 'True'
    with pytest.raises(ValueError, match='2 columns'):
        markdown_table(['a', 'b'], [[1]])
