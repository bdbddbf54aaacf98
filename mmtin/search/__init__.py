# Copyright (c) OpenMMLab. All rights reserved.
"""Config search on Optuna: ``tools/search.py`` is a thin CLI over this."""
from .search_config import load_search_config, parse_search_config
from .search_report import SearchReport
from .search_space import SearchSpace, SearchSpaceError, set_key
from .study_driver import StudyDriver, build_storage, counted
from .trial_runner import TrialRunner

__all__ = [
    'SearchReport', 'SearchSpace', 'SearchSpaceError', 'StudyDriver',
    'TrialRunner', 'build_storage', 'counted', 'load_search_config',
    'parse_search_config', 'set_key'
]
