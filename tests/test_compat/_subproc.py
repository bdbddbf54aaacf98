# Copyright (c) OpenMMLab. All rights reserved.
"""Run a python snippet in a fresh interpreter (no mmtin imported yet)."""
import os
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


def run_python(code: str, cwd=None, timeout=300, startup_hook=False):
    """Run ``code``; returns (returncode, stdout + stderr).

    By default it runs as if mmtin's start-up hook (``mmtin-startup.pth``
    of a wheel install) were not there (``MMTIN_NO_STARTUP_HOOK=1``); with
    ``startup_hook=True`` the snippet starts with ``import _mmtin_startup``,
    what the ``.pth`` does, so the result is the same for a wheel, an
    editable install and a checkout.
    """
    env = dict(os.environ)
    code = textwrap.dedent(code)
    if startup_hook:
        code = 'import _mmtin_startup\n' + code
        env.pop('MMTIN_NO_STARTUP_HOOK', None)
    else:
        env['MMTIN_NO_STARTUP_HOOK'] = '1'
    proc = subprocess.run([sys.executable, '-c', code],
                          cwd=str(cwd or REPO_ROOT),
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr
