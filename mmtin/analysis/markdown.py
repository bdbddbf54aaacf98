# Copyright (c) OpenMMLab. All rights reserved.
"""The one markdown table writer of the analysis tools."""
from typing import Any, Sequence


def fmt(value: Any, spec: str = '.2f') -> str:
    """A table cell: ``'-'`` for None / empty, numbers with ``spec``."""
    if value is None or value == '':
        return '-'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format(value, spec)
    return str(value)


def markdown_table(columns: Sequence[str],
                   rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub markdown table.

    Args:
        columns (Sequence[str]): Header cells.
        rows (Sequence[Sequence]): Rows of cells (already formatted, or
            any value, shown with :func:`fmt`).

    Returns:
        str: The table, one line per row.
    """
    lines = ['| ' + ' | '.join(columns) + ' |', '|' + '---|' * len(columns)]
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f'markdown_table: a row has {len(row)} cells '
                             f'for {len(columns)} columns: {list(row)}')
        lines.append('| ' + ' | '.join(fmt(c) for c in row) + ' |')
    return '\n'.join(lines)
