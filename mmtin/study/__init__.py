# Copyright (c) OpenMMLab. All rights reserved.
"""One core for the multi-seed studies behind the README's evidence tables.

* :class:`StudyRow` / :class:`Stage`: a row is a chain of stages (config,
  epochs, init from the previous stage's checkpoint) and the metric keys it
  reports;
* :class:`DataSpec` / :func:`ensure_data`: the generated data set a study
  needs, checked against ``meta.json``; foreign data is never overwritten;
* :class:`StudyRunner`: rows x seeds (x data variants) through MMEngine's
  Runner, resumable;
* :class:`StudyReport`, :class:`ClaimCheck`: mean ± std over seeds,
  markdown / JSON / PNG, claim checks;
* :func:`study_parser`: the options every driver shares.

The drivers are ``tools/analysis/{seed_study,adafocus_evidence,
adamml_evidence,lsts_evidence,lsts_vid_evidence,search_evidence}.py``.
"""
from .claim_check import ClaimCheck, claims_markdown
from .data_spec import DataRootError, DataSpec, ensure_data
from .study_parser import (command_line, eval_split_options, report_stem,
                           setup_study, study_parser, variant_roots)
from .study_report import StudyReport, markdown_table, mean_std, seed_stats
from .study_row import COUNTED, LOAD_FROM, Stage, StudyRow, StudyRowError
from .study_runner import StudyError, StudyRunner

__all__ = [
    'ClaimCheck', 'claims_markdown', 'DataRootError', 'DataSpec',
    'ensure_data', 'command_line', 'eval_split_options', 'report_stem',
    'setup_study', 'study_parser', 'variant_roots',
    'StudyReport', 'markdown_table', 'mean_std', 'seed_stats', 'COUNTED',
    'LOAD_FROM', 'Stage', 'StudyRow', 'StudyRowError', 'StudyError',
    'StudyRunner'
]
