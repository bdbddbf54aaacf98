# Copyright (c) OpenMMLab. All rights reserved.
"""Load a repository script (``tools/*.py``, ``demo/*.py``) as a module, so
tests call its ``main``/functions in-process."""
import importlib.util
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[1]


def load_script(rel_path: str) -> ModuleType:
    """Import ``REPO_ROOT / rel_path`` under a name of its own.

    Args:
        rel_path (str): Path of the script relative to the repository root,
            e.g. ``'tools/analysis/benchmark.py'``.

    Returns:
        ModuleType: The executed module.
    """
    path = REPO_ROOT / rel_path
    if not path.is_file():
        raise FileNotFoundError(f'load_script: no script at {path}')
    name = 'mmtin_script_' + rel_path[:-3].replace('/', '_')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
