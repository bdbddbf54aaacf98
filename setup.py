# Copyright (c) OpenMMLab. All rights reserved.
"""Build hook: ship configs, tools and the model index inside the package.

OpenMMLab packages carry ``<pkg>/.mim/{configs,tools,model-index.yml}`` so
that ``_base_ = 'mmtin::...'``, ``mim train/test mmtin ...`` and
``mim search mmtin`` work from a wheel. In a checkout (and in a PEP 660
editable install) ``mmtin/.mim/*`` are relative symlinks to the top-level
``configs/``, ``tools/`` and ``model-index.yml``; when a wheel is built,
this hook replaces them by copies of those files.

A wheel also carries ``_mmtin_startup.py`` and ``mmtin-startup.pth`` at the
top of ``site-packages``: the ``.pth`` makes Python import that (stdlib-only)
module at start-up, so that ``mmtin::`` config paths and MMAction2's
``register_all_modules()`` work before ``import mmtin`` (see the module).
An editable install has no ``.pth``; there ``import mmtin`` installs the same
hook. Everything else is in ``pyproject.toml``.
"""
import os
import os.path as osp
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = osp.dirname(osp.abspath(__file__))
MIM_ITEMS = ('configs', 'tools', 'model-index.yml')
STARTUP_PTH = 'mmtin-startup.pth'
STARTUP_LINE = 'import _mmtin_startup\n'  # what Python runs at start-up
IGNORE = shutil.ignore_patterns('__pycache__', '*.pyc', '*.pyo')


class BuildPyWithMim(build_py):
    """``build_py`` that also writes ``mmtin/.mim`` into the build tree."""

    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False):
            return  # the source tree's mmtin/.mim symlinks are used
        with open(osp.join(self.build_lib, STARTUP_PTH), 'w') as f:
            f.write(STARTUP_LINE)
        target = osp.join(self.build_lib, 'mmtin', '.mim')
        if osp.lexists(target):
            shutil.rmtree(target)
        os.makedirs(target)
        for item in MIM_ITEMS:
            src = osp.join(ROOT, item)
            if not osp.exists(src):
                raise FileNotFoundError(
                    f'setup.py: {src} is missing; the wheel must ship it '
                    'in mmtin/.mim')
            dst = osp.join(target, item)
            if osp.isdir(src):
                shutil.copytree(src, dst, ignore=IGNORE)
            else:
                shutil.copyfile(src, dst)


setup(py_modules=['_mmtin_startup'], cmdclass=dict(build_py=BuildPyWithMim))
