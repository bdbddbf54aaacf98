# Copyright (c) OpenMMLab. All rights reserved.
"""Aggregate the records of a :class:`~mmtin.study.StudyRunner` over seeds
and write them: markdown, JSON, PNG."""
import json
import os
import os.path as osp
import statistics
from typing import Callable, Dict, List, Optional, Sequence

from .claim_check import ClaimCheck, claims_markdown


def seed_stats(values: Sequence[float]) -> Dict[str, float]:
    """Mean, sample standard deviation (n - 1; 0 for one value), min, max
    and count of ``values``; mean etc. are None for no values."""
    values = list(values)
    if not values:
        return dict(mean=None, std=None, min=None, max=None, n=0)
    return dict(mean=statistics.fmean(values),
                std=statistics.stdev(values) if len(values) > 1 else 0.0,
                min=min(values), max=max(values), n=len(values))


def markdown_table(header: Sequence[str],
                   rows: Sequence[Sequence[str]]) -> str:
    """A markdown table of string cells."""
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines)


def mean_std(stats: Dict[str, float], digits: int = 1,
             sep: str = ' ± ') -> str:
    """``'mean ± std'`` of :func:`seed_stats`, ``'-'`` without values."""
    if stats['mean'] is None:
        return '-'
    return f'{stats["mean"]:.{digits}f}{sep}{stats["std"]:.{digits}f}'


class StudyReport:
    """The records of one study, grouped by (variant, row) over seeds.

    Args:
        records (list[dict]): :meth:`StudyRunner.run` records.
        rows (Sequence): The rows (:class:`StudyRow` or names), in table
            order.
        seeds (Sequence[int]): The seeds, in column order.
    """

    def __init__(self, records: List[dict], rows: Sequence,
                 seeds: Sequence[int]):
        self.records = list(records)
        self.rows = [getattr(r, 'name', r) for r in rows]
        self.labels = {getattr(r, 'name', r): getattr(r, 'label', r)
                       for r in rows}
        self.seeds = list(seeds)
        self.variants = list(dict.fromkeys(r['variant']
                                           for r in self.records)) or ['']

    def _records(self, row: str, variant: str) -> List[dict]:
        return [r for r in self.records
                if r['row'] == row and r['variant'] == variant]

    def per_seed(self, row: str, name: str, variant: str = '',
                 scale: float = 1.0) -> Dict[int, float]:
        """``{seed: value * scale}`` of the finished runs of ``row``.

        ``name`` is a value name of the row (``values``) or any key of its
        test metrics.
        """
        out = {}
        for r in self._records(row, variant):
            if 'error' in r:
                continue
            source = r['values'] if name in r['values'] else r['metrics']
            if name not in source:
                raise KeyError(f'study report: row {row} seed {r["seed"]} '
                               f'has no value or metric {name!r}')
            out[r['seed']] = scale * source[name]
        return {s: out[s] for s in self.seeds if s in out}

    def stats(self, row: str, name: str, variant: str = '',
              scale: float = 1.0) -> Dict[str, float]:
        """:func:`seed_stats` of :meth:`per_seed`, plus ``per_seed``."""
        per_seed = self.per_seed(row, name, variant, scale)
        return dict(seed_stats(per_seed.values()), per_seed=per_seed)

    def cell(self, row: str, name: str, variant: str = '',
             digits: int = 1, scale: float = 1.0) -> str:
        """``'mean ± std'`` of ``name`` over the finished runs of ``row``
        that report it (e.g. ``latency_ms``, which runs made before the
        study core timed its models lack); ``'-'`` when none does."""
        values = [scale * r['values'][name]
                  for r in self._records(row, variant)
                  if 'error' not in r and name in r.get('values', {})]
        return mean_std(seed_stats(values), digits) if values else '-'

    def failures(self) -> List[str]:
        """The error message of every failed run."""
        return [r['error'] for r in self.records if 'error' in r]

    def run_seconds(self) -> float:
        """Training and testing seconds summed over the finished runs,
        reused ones included (so a ``--resume`` pass still reports what the
        study cost, unlike its own wall time)."""
        return sum(r.get('seconds', 0.) for r in self.records
                   if 'error' not in r)

    def time_sentence(self, wall_seconds: float) -> str:
        """The report's sentence on what the study took: this command's
        wall time and :meth:`run_seconds`, in minutes."""
        return (f'Wall time of this command {wall_seconds / 60:.1f} min '
                f'(training and testing of the runs '
                f'{self.run_seconds() / 60:.1f} min).')

    def complete(self, variant: str = '') -> bool:
        """Every row has a finished run for every seed."""
        for row in self.rows:
            done = {r['seed'] for r in self._records(row, variant)
                    if 'error' not in r}
            if not set(self.seeds) <= done:
                return False
        return True

    def _names(self, row, variant):
        for r in self._records(row, variant):
            if 'error' not in r:
                return list(r['values'])
        return []

    def summary(self, scales: Optional[Dict[str, float]] = None) -> dict:
        """``{variant: {row: {value name: stats}}}`` of every row value
        (``scales``: factor per value name, e.g. ``{'top1': 100}``)."""
        scales = scales or {}
        return {
            variant: {
                row: {
                    name: self.stats(row, name, variant,
                                     scales.get(name, 1.0))
                    for name in self._names(row, variant)
                }
                for row in self.rows
            }
            for variant in self.variants
        }

    def write(self, out_dir: str, stem: str, markdown: str,
              claims: Sequence[ClaimCheck] = (),
              plot: Optional[Callable[[str], None]] = None,
              scales: Optional[Dict[str, float]] = None,
              **extra) -> List[str]:
        """Write ``OUT_DIR/STEM.md`` (``markdown`` plus the claim checks),
        ``STEM.json`` (records, :meth:`summary` with ``scales``, claims,
        ``extra``) and, with ``plot(path)``, ``STEM.png``.

        Returns:
            list[str]: The paths written.
        """
        os.makedirs(out_dir, exist_ok=True)
        base = osp.join(out_dir, stem)
        text = markdown
        if claims:
            text += '\n\n' + claims_markdown(claims)
        with open(base + '.md', 'w') as f:
            f.write(text.rstrip('\n') + '\n')
        data = dict(extra, seeds=self.seeds, records=self.records,
                    summary=self.summary(scales),
                    claims=[c.to_dict() for c in claims],
                    failures=self.failures())
        with open(base + '.json', 'w') as f:
            json.dump(data, f, indent=2)
        paths = [base + '.md', base + '.json']
        if plot is not None:
            plot(base + '.png')
            paths.append(base + '.png')
        return paths

    def plot_tradeoff(self, path: str, x: str, y: str, xlabel: str,
                      ylabel: str, title: str, scales=None,
                      logx: bool = False,
                      extra_panel: Optional[Callable] = None) -> None:
        """Scatter ``y`` against ``x`` per row: every seed small, the mean
        with a ± std bar large.

        Args:
            path (str): PNG file.
            x, y (str): Value names.
            xlabel, ylabel, title (str): Axis labels and title.
            scales (dict, optional): Factor per value name.
            logx (bool): Log x axis. Default: False.
            extra_panel (Callable, optional): ``extra_panel(ax)`` draws a
                second panel to the right. Default: None.
        """
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        scales = scales or {}
        variant = self.variants[0]
        if extra_panel is None:
            fig, ax = plt.subplots(figsize=(5.5, 3.8))
        else:
            fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10.5, 4))
            extra_panel(ax2)
        for i, row in enumerate(self.rows):
            xs = self.per_seed(row, x, variant, scales.get(x, 1.0))
            ys = self.per_seed(row, y, variant, scales.get(y, 1.0))
            seeds = [s for s in xs if s in ys]
            if not seeds:
                continue
            colour = f'C{i % 10}'
            ax.scatter([xs[s] for s in seeds], [ys[s] for s in seeds],
                       s=10, color=colour, alpha=0.5)
            sx = seed_stats([xs[s] for s in seeds])
            sy = seed_stats([ys[s] for s in seeds])
            ax.errorbar(sx['mean'], sy['mean'], yerr=sy['std'], fmt='o',
                        color=colour, capsize=3, label=self.labels[row])
        if logx:
            ax.set_xscale('log')
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
