# Copyright (c) OpenMMLab. All rights reserved.
"""The ``efficiency`` preset: each system against its plain model.

Every row times a system and its plain model in one interleaved loop
(:func:`time_interleaved`) through the real prediction path,
``model(inputs, data_samples, mode='predict')`` under ``no_grad`` (so
AdaMML's skipped segments, LSTS's propagation and AdaFocus's early exit
count), or, for MoViNet streams, the whole clip frame by frame with
``stream_step`` against the base model on the whole clip. FLOPs of adaptive
systems are the mean ``gflops`` their predictions report
(``sample_gflops``), of the others ``count_flops`` of one clip. Peak
memory is :func:`peak_memory` of one call.

The systems and their plain models are in :mod:`.efficiency_cases`.
"""
import copy
import statistics
import time
from typing import Callable, Dict, List, Optional, Sequence

import torch
from torch import nn

from mmtin.models.utils.flops import count_flops
from .markdown import fmt, markdown_table
from mmtin.utils.timing import sync, time_interleaved

#: keys every efficiency row has (the JSON contract)
ROW_KEYS = ('name', 'scale', 'batch', 'flops_ratio', 'latency_ratio',
            'peak_mem_ratio')


def peak_memory(fn: Callable[[], object], device='cpu') -> int:
    """Peak bytes allocated by torch during ``fn()`` above the start.

    CUDA: ``torch.cuda.max_memory_allocated`` after resetting the peak.
    CPU: ``torch.profiler`` with ``profile_memory=True``; every event's
    own allocations minus frees (``self_cpu_memory_usage``), summed in time
    order; the maximum of that running sum is the peak of the tensors
    ``fn`` holds at once (an allocation and its free inside one operator
    cancel, so the peak inside a single operator is not seen).

    Args:
        fn (Callable): The call to measure.
        device (str | torch.device): Where ``fn`` allocates.
            Default: 'cpu'.

    Returns:
        int: Peak bytes.
    """
    device = torch.device(device)
    if device.type == 'cuda':
        sync(device)
        torch.cuda.reset_peak_memory_stats(device)
        start = torch.cuda.memory_allocated(device)
        fn()
        sync(device)
        return torch.cuda.max_memory_allocated(device) - start
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU],
                 profile_memory=True) as prof:
        fn()
    events = sorted((e.time_range.start, e.self_cpu_memory_usage)
                    for e in prof.events() if e.self_cpu_memory_usage)
    peak = total = 0
    for _, nbytes in events:
        total += nbytes
        peak = max(peak, total)
    return peak


class Runner:
    """One side of a row: a model, its input and the timed call.

    Args:
        label (str): Table label.
        model (nn.Module): The recognizer (put in eval mode).
        inputs (Tensor | dict): Normalised input batch.
        stream (bool): Run ``stream_step`` frame by frame over the clip
            (a ``MoViNetStreamRecognizer`` on ``[N, 1, C, T, H, W]``).
            Default: False.
        adaptive (bool): FLOPs from the predictions' ``gflops``.
            Default: False.
    """

    def __init__(self, label: str, model: nn.Module, inputs,
                 stream: bool = False, adaptive: bool = False) -> None:
        from mmaction.structures import ActionDataSample
        self.label, self.model = label, model.eval()
        self.inputs, self.stream, self.adaptive = inputs, stream, adaptive
        self.batch = _batch(inputs)
        self.samples = [ActionDataSample() for _ in range(self.batch)]
        self.compile_s = None
        self.amp = None
        self.session = None

    @property
    def exportable(self) -> bool:
        """One tensor in, scores out (not adaptive, not a stream)."""
        return not (self.stream or self.adaptive
                    or isinstance(self.inputs, dict))

    def to_onnxruntime(self, threads: Optional[int] = None) -> 'Runner':
        """A copy whose :meth:`call` runs the scores forward
        (``RecognizerScores``, as ``tools/deployment/export_onnx.py``)
        exported to ONNX in onnxruntime (CPU)."""
        from mmtin.apis import RecognizerScores
        from mmtin.deployment import export_onnx
        from mmtin.deployment import ort_session
        runner = copy.copy(self)
        data = export_onnx(RecognizerScores(self.model).eval(),
                           [self.inputs])
        runner.session = ort_session(data, threads)
        runner.feed = {
            runner.session.get_inputs()[0].name: self.inputs.cpu().numpy()
        }
        return runner

    def with_folded_bn(self) -> 'Runner':
        """A copy whose model has its conv -> BN pairs folded
        (:func:`mmtin.models.utils.fold_batch_norms`, checked on this
        runner's input); :attr:`folded_bns` counts them."""
        from mmtin.models.utils import fold_batch_norms

        def run(model):
            side = copy.copy(self)
            side.model = model
            return side.call()

        runner = copy.copy(self)
        runner.model, runner.folded_bns = fold_batch_norms(self.model, run)
        return runner

    def with_channels_last(self) -> 'Runner':
        """A copy whose model keeps its conv weights channels-last
        (``torch.channels_last`` for 4-D, ``channels_last_3d`` for 5-D), so
        that oneDNN runs the convolutions, and passes their outputs on, in
        that layout; the input stays as it is."""
        formats = {4: torch.channels_last, 5: torch.channels_last_3d}
        runner = copy.copy(self)
        runner.model = copy.deepcopy(self.model)
        for param in runner.model.parameters():
            if param.dim() in formats:
                param.data = param.data.contiguous(
                    memory_format=formats[param.dim()])
        return runner

    def call(self):
        """The timed call: ``predict`` (or the stream over the clip), under
        ``torch.autocast`` when :attr:`amp` is a dtype."""
        if self.session is not None:
            return self.session.run(None, self.feed)
        if self.amp is None:
            return self._stream() if self.stream else self._predict()
        device = next(self.model.parameters()).device.type
        with torch.autocast(device, dtype=self.amp):
            return self._stream() if self.stream else self._predict()

    def _predict(self):
        with torch.no_grad():
            return self.model(self.inputs, self.samples, mode='predict')

    def _stream(self):
        clip = self.inputs[:, 0]
        states = {}
        with torch.no_grad():
            for t in range(clip.shape[2]):
                pooled, states = self.model.stream_step(
                    clip[:, :, t:t + 1], states)
            return self.model.cls_head(pooled)

    def compile(self, device='cpu') -> None:
        """``torch.compile`` the model's forward (inductor; a stream
        compiles ``stream_step``); the first call, timed as
        :attr:`compile_s`, compiles."""
        if self.stream:
            self.model = copy.copy(self.model)
            self.model.stream_step = torch.compile(self.model.stream_step)
        else:
            self.model = torch.compile(self.model)
        start = time.perf_counter()
        self.call()
        sync(device)
        self.compile_s = time.perf_counter() - start

    def flops(self) -> float:
        """FLOPs of one clip (adaptive: mean of the predictions')."""
        model = getattr(self.model, '_orig_mod', self.model)
        if self.adaptive:
            with torch.no_grad():
                out = model(self.inputs, self.samples, mode='predict')
            return 1e9 * sum(s.gflops for s in out) / len(out)
        one = self.inputs[:1]
        return float(count_flops(model, one))


def _batch(inputs) -> int:
    if isinstance(inputs, dict):
        return next(iter(inputs.values())).shape[0]
    return inputs.shape[0]


def _spread(values: Sequence[float]) -> float:
    """Interquartile range over the median."""
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [0, 0, 0]
    return (q[2] - q[0]) / statistics.median(values)


def efficiency_row(name: str, scale: str, system: Runner, plain: Runner,
                   repeats: int = 10, warmup: int = 2, device='cpu',
                   goal: Optional[str] = None) -> Dict:
    """Time ``system`` against ``plain`` and return one row.

    Args:
        name (str): Row name.
        scale (str): ``'published'`` or ``'demo'``.
        system (Runner): The system.
        plain (Runner): Its plain model.
        repeats (int): Timed interleaved rounds (median). Default: 10.
        warmup (int): Untimed rounds. Default: 2.
        device (str | torch.device): Device. Default: 'cpu'.
        goal (str, optional): The issue's goal for this row, shown as is.
            Default: None.

    Returns:
        dict: :data:`ROW_KEYS` plus medians (ms), spreads (IQR / median),
        throughputs (clips/s), FLOPs and peak bytes of both sides.
    """
    times = time_interleaved([('system', system.call),
                              ('plain', plain.call)], repeats, warmup,
                             device)
    row = dict(name=name, scale=scale, batch=system.batch,
               system=system.label, plain=plain.label, goal=goal)
    for key, side in (('system', system), ('plain', plain)):
        median = statistics.median(times[key])
        row[f'{key}_ms'] = median * 1e3
        row[f'{key}_spread'] = _spread(times[key])
        row[f'{key}_clips_per_s'] = side.batch / median
        row[f'{key}_flops'] = side.flops()
        # onnxruntime allocates outside torch: no peak
        row[f'{key}_peak_bytes'] = None if side.session is not None \
            else peak_memory(side.call, device)
        row[f'{key}_compile_s'] = side.compile_s
    if system.stream:
        frames = system.inputs.shape[3]
        row['frames'] = frames
        row['system_ms_per_frame'] = row['system_ms'] / frames
    row['flops_ratio'] = row['system_flops'] / row['plain_flops']
    row['latency_ratio'] = row['system_ms'] / row['plain_ms']
    row['peak_mem_ratio'] = None if system.session is not None else (
        row['system_peak_bytes'] / max(row['plain_peak_bytes'], 1))
    row['latency_minus_flops'] = row['latency_ratio'] - row['flops_ratio']
    return row


def efficiency_table(rows: Sequence[Dict]) -> str:
    """Markdown table of :func:`efficiency_row` rows."""
    heads = [
        'row', 'scale', 'batch', 'system ms (\u00b1 IQR/2)',
        'plain ms (\u00b1 IQR/2)', 'stream ms/frame', 'clips/s',
        'FLOPs ratio', 'latency ratio', 'latency - FLOPs', 'peak mem ratio',
        'peak MB (system / plain)',
        'compile s (system / plain)', 'goal'
    ]
    body = []
    for r in rows:
        compile_s = None if r.get('system_compile_s') is None else \
            f"{r['system_compile_s']:.1f} / {r['plain_compile_s']:.1f}"
        body.append([
            r['name'], r['scale'], str(r['batch']),
            f"{r['system_ms']:.1f} (\u00b1{50 * r['system_spread']:.0f}%)",
            f"{r['plain_ms']:.1f} (\u00b1{50 * r['plain_spread']:.0f}%)",
            fmt(r.get('system_ms_per_frame'), '.2f'),
            fmt(r['system_clips_per_s'], '.2f'),
            fmt(r['flops_ratio'], '.3f'), fmt(r['latency_ratio'], '.3f'),
            fmt(r['latency_minus_flops'], '+.3f'),
            fmt(r['peak_mem_ratio'], '.3f'),
            None if r['system_peak_bytes'] is None else
            f"{r['system_peak_bytes'] / 2**20:.3g} / "
            f"{r['plain_peak_bytes'] / 2**20:.3g}", compile_s, r['goal']
        ])
    return markdown_table(heads, body)


def run_efficiency(cases: Sequence, batches: Sequence[int] = (1, 8),
                   repeats: int = 10, warmup: int = 2, device='cpu',
                   compiled: bool = False, amp: Optional[torch.dtype] = None,
                   onnxruntime: bool = False, fold_bn: bool = False,
                   channels_last: bool = False,
                   log: Callable[[str], None] = print) -> List[Dict]:
    """Rows of every case at every batch size (and compiled copies).

    Args:
        cases (Sequence[EfficiencyCase]): From
            :func:`mmtin.analysis.efficiency_cases.efficiency_cases`.
        batches (Sequence[int]): Batch sizes. Default: (1, 8).
        repeats (int): Timed rounds per row. Default: 10.
        warmup (int): Untimed rounds. Default: 2.
        device (str): Device. Default: 'cpu'.
        compiled (bool): Add a ``torch.compile`` row after each eager one
            (compile time in ``*_compile_s``). Default: False.
        amp (torch.dtype, optional): Run both sides under
            ``torch.autocast`` with this dtype (rows named ``... (amp
            bfloat16)``). Default: None.
        onnxruntime (bool): Add an onnxruntime row (CPU, torch's thread
            count) after each eager one whose sides both export (one
            tensor in, scores out: TIN/TSM, TDN/TSN). Default: False.
        fold_bn (bool): Add a row after each eager one with BatchNorm
            folded into the convolutions on both sides (``... (BN
            folded)``; ``*_folded_bns`` count them). Default: False.
        channels_last (bool): Add a row after each eager one with both
            sides' conv weights channels-last (``... (channels_last)``,
            :meth:`Runner.with_channels_last`). Default: False.
        log (Callable): Progress printer. Default: print.

    Returns:
        list[dict]: The rows.
    """
    rows = []
    for case in cases:
        for batch in batches:
            log(f'timing {case.name} ({case.scale}), batch {batch}')
            system, plain = case.build(batch, device)
            name = case.name
            if amp is not None:
                system.amp = plain.amp = amp
                name = f'{name} (amp {str(amp).split(".")[-1]})'
            rows.append(efficiency_row(name, case.scale, system, plain,
                                       repeats, warmup, device, case.goal))
            if onnxruntime and system.exportable and plain.exportable:
                threads = torch.get_num_threads()
                rows.append(efficiency_row(
                    f'{name} (onnxruntime)', case.scale,
                    system.to_onnxruntime(threads),
                    plain.to_onnxruntime(threads), repeats, warmup, 'cpu',
                    case.goal))
            if fold_bn:
                sides = [side.with_folded_bn() for side in (system, plain)]
                row = efficiency_row(f'{name} (BN folded)', case.scale,
                                     *sides, repeats, warmup, device,
                                     case.goal)
                row['system_folded_bns'], row['plain_folded_bns'] = (
                    side.folded_bns for side in sides)
                rows.append(row)
            if channels_last:
                rows.append(efficiency_row(
                    f'{name} (channels_last)', case.scale,
                    system.with_channels_last(), plain.with_channels_last(),
                    repeats, warmup, device, case.goal))
            if compiled:
                system = copy.copy(system)
                plain = copy.copy(plain)
                for side in (system, plain):
                    side.compile(device)
                rows.append(efficiency_row(
                    f'{name} (compiled)', case.scale, system, plain,
                    repeats, warmup, device, case.goal))
    return rows
