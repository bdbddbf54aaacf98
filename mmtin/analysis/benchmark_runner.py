# Copyright (c) OpenMMLab. All rights reserved.
"""Run :class:`BenchmarkEntry` objects interleaved and tabulate them."""
import statistics
from typing import Dict, List, Optional, Sequence

from .benchmark_entry import BenchmarkEntry
from .markdown import fmt, markdown_table
from mmtin.utils.timing import time_interleaved

#: the timed phases (stream: stream recognizers only)
PHASES = ('infer', 'train', 'stream', 'ort')


def run_phases(entries: Sequence[BenchmarkEntry],
               phases: Sequence[str],
               repeats: int,
               warmup: int,
               device='cpu',
               clock: str = 'wall',
               chunk: int = 1) -> Dict[str, Dict[str, List[float]]]:
    """Time the phases of every entry in one interleaved loop.

    Args:
        entries (Sequence[BenchmarkEntry]): The models.
        phases (Sequence[str]): Any of ``'infer'``, ``'train'``,
            ``'stream'`` (stream recognizers only) and ``'ort'``.
        repeats (int): Timed rounds.
        warmup (int): Untimed rounds.
        device (str): Device to synchronise. Default: 'cpu'.
        clock (str): ``'wall'`` or ``'process'``. Default: 'wall'.
        chunk (int): Frames per stream step. Default: 1.

    Returns:
        dict: ``{entry name: {phase: [seconds, ...]}}``.
    """
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise ValueError(f'unknown phases {sorted(unknown)}; use {PHASES}')
    tasks = []
    for phase in phases:
        for entry in entries:
            if phase == 'stream' and not entry.is_stream:
                continue
            fn = dict(infer=entry.infer, train=entry.train_step,
                      ort=entry.ort_infer,
                      stream=lambda e=entry: e.stream_step(chunk))[phase]
            tasks.append(((entry.name, phase), fn))
    times = time_interleaved(tasks, repeats, warmup, device, clock)
    out = {entry.name: {} for entry in entries}
    for (name, phase), values in times.items():
        out[name][phase] = values
    return out


def summarise(entries: Sequence[BenchmarkEntry],
              times: Dict[str, Dict[str, List[float]]],
              refs: Optional[Sequence[str]] = None) -> List[dict]:
    """One result dict per entry: counts, median latencies (ms),
    throughput (clips/s) and ratios to each reference row.

    Args:
        entries (Sequence[BenchmarkEntry]): The models.
        times (dict): From :func:`run_phases`.
        refs (Sequence[str], optional): Names of the reference rows
            (default: the first row).

    Returns:
        list[dict]: The rows.
    """
    rows = []
    for entry in entries:
        row = dict(model=entry.name, input_shape=list(entry.shape),
                   params=entry.params, flops=entry.flops,
                   flops_check=entry.flops_check,
                   published_gflops=entry.published_gflops)
        for phase, values in times.get(entry.name, {}).items():
            median = statistics.median(values)
            row[f'{phase}_ms'] = median * 1e3
            row[f'{phase}_clips_per_s'] = entry.shape[0] / median
        if 'ort_ms' in row and 'infer_ms' in row:
            row['ort_vs_eager'] = row['ort_ms'] / row['infer_ms']
        rows.append(row)
    names = [r['model'] for r in rows]
    refs = list(refs) if refs else names[:1]
    for ref in refs:
        if ref not in names:
            raise ValueError(f'--ref {ref!r} is not a benchmarked model; '
                             f'models: {names}')
    for row in rows:
        row['ratios'] = {}
        for ref in refs:
            base = rows[names.index(ref)]
            row['ratios'][ref] = {
                key: row[key] / base[key]
                for key in ('flops', 'infer_ms', 'train_ms', 'ort_ms')
                if row.get(key) and base.get(key)
            }
    return rows


def result_table(rows: Sequence[dict]) -> str:
    """The markdown table of :func:`summarise`'s rows; a column appears
    only when some row has a value for it."""
    specs = [
        ('model', lambda r: r['model']),
        ('input', lambda r: 'x'.join(str(s) for s in r['input_shape'])),
        ('params (M)', lambda r: fmt(r['params'] / 1e6, '.2f')),
        ('GFLOPs', lambda r: None if r['flops'] is None else fmt(
            r['flops'] / 1e9, '.3f')),
        ('GMACs (FlopCounterMode/2)', lambda r: None
         if r['flops_check'] is None else fmt(r['flops_check'] / 1e9,
                                              '.2f')),
        ('published GFLOPs', lambda r: r['published_gflops']),
        ('infer ms', lambda r: _num(r, 'infer_ms', '.1f')),
        ('infer clips/s', lambda r: _num(r, 'infer_clips_per_s', '.2f')),
        ('train ms', lambda r: _num(r, 'train_ms', '.1f')),
        ('train clips/s', lambda r: _num(r, 'train_clips_per_s', '.2f')),
        ('stream ms/step', lambda r: _num(r, 'stream_ms', '.2f')),
        ('onnxruntime ms', lambda r: _num(r, 'ort_ms', '.1f')),
        ('onnxruntime / eager', lambda r: _num(r, 'ort_vs_eager', '.3f')),
    ]
    refs = list(rows[0]['ratios']) if rows else []
    for ref in refs:
        for key, label in (('flops', 'GFLOPs'), ('infer_ms', 'infer'),
                           ('train_ms', 'train'),
                           ('ort_ms', 'onnxruntime')):
            specs.append((f'{label} / {ref}',
                          lambda r, ref=ref, key=key: _num(
                              r['ratios'][ref], key, '.3f')))
    cells = [[fn(r) for _, fn in specs] for r in rows]
    keep = [
        i for i, (label, _) in enumerate(specs)
        if i < 3 or any(c[i] is not None for c in cells)
    ]
    return markdown_table([specs[i][0] for i in keep],
                          [[c[i] for i in keep] for c in cells])


def _num(row: dict, key: str, spec: str) -> Optional[str]:
    value = row.get(key)
    return None if value is None else format(value, spec)
