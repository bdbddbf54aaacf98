# Copyright (c) OpenMMLab. All rights reserved.
from .benchmark_entry import BenchmarkEntry
from .benchmark_runner import result_table, run_phases, summarise
from .markdown import fmt, markdown_table
from .named_models import PRESETS, NamedModel, named_model
from mmtin.utils.timing import sync, time_interleaved

__all__ = [
    'BenchmarkEntry', 'NamedModel', 'PRESETS', 'fmt', 'markdown_table',
    'named_model', 'result_table', 'run_phases', 'summarise', 'sync',
    'time_interleaved'
]
