# Copyright (c) OpenMMLab. All rights reserved.
"""Run a python snippet in a fresh interpreter (no mmtin imported yet)."""
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# makes ``import pkg_resources`` fail, as with setuptools >= 82, whatever
# setuptools version this environment has
BLOCK_PKG_RESOURCES = '''
import sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name == 'pkg_resources' or name.startswith('pkg_resources.'):
            raise ModuleNotFoundError("No module named 'pkg_resources'")
sys.meta_path.insert(0, _Block())
'''


def run_python(code: str, cwd=None, timeout=300):
    """Run ``code``; returns (returncode, stdout + stderr)."""
    proc = subprocess.run([sys.executable, '-c', textwrap.dedent(code)],
                          cwd=str(cwd or REPO_ROOT),
                          capture_output=True,
                          text=True,
                          timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr
