# Copyright (c) OpenMMLab. All rights reserved.
"""Let ``import mmpretrain.models`` work when torchvision is not installed.

mmpretrain 1.2.0 does not list torchvision among its requirements, yet two
modules that ``mmpretrain.models`` pulls in import ``torchvision.ops.boxes``
at module level (``evaluation/metrics/visual_grounding_eval.py`` through the
heads, and ``models/utils/box_utils.py``). Without torchvision every
mmpretrain backbone is therefore unusable, and MMAction2's ``Recognizer2D``
reports ``Please install mmpretrain to use this backbone.`` for
``backbone=dict(type='mmpretrain.ResNet', ...)``.

When torchvision is missing, a meta-path finder wraps the loaders of exactly
those two modules: while one of them executes, a stand-in
``torchvision.ops.boxes`` is visible in ``sys.modules`` (its functions raise
a clear ``ImportError`` when called: only multimodal box metrics use them);
right afterwards the stand-in is removed again, so ``import torchvision``
anywhere else still fails as before. Nothing is done if torchvision exists.
"""
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

TARGETS = ('mmpretrain.evaluation.metrics.visual_grounding_eval',
           'mmpretrain.models.utils.box_utils')
_STUB_NAMES = ('torchvision', 'torchvision.ops', 'torchvision.ops.boxes')


def _missing(name):

    def _raise(*args, **kwargs):
        raise ImportError(
            f'torchvision.ops.boxes.{name} was called, but torchvision is not '
            'installed (mmtin let mmpretrain import without it, for its '
            'backbones). Install torchvision to use mmpretrain box metrics.')

    return _raise


class _BoxesStub(types.ModuleType):
    """``torchvision.ops.boxes`` whose functions raise ImportError."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return _missing(name)


def _make_stubs():
    top = types.ModuleType('torchvision')
    ops = types.ModuleType('torchvision.ops')
    boxes = _BoxesStub('torchvision.ops.boxes')
    top.__path__, ops.__path__ = [], []
    top.ops, ops.boxes = ops, boxes
    return dict(zip(_STUB_NAMES, (top, ops, boxes)))


class _StubbingLoader(importlib.abc.Loader):
    """Runs the real loader with the stand-in torchvision visible."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        stubs = {
            k: v
            for k, v in _make_stubs().items() if k not in sys.modules
        }
        sys.modules.update(stubs)
        try:
            self.loader.exec_module(module)
        finally:
            for name, stub in stubs.items():
                if sys.modules.get(name) is stub:
                    del sys.modules[name]


class MMPretrainTorchvisionFinder(importlib.abc.MetaPathFinder):
    """Serves the two mmpretrain modules through :class:`_StubbingLoader`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in TARGETS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _StubbingLoader(spec.loader)
        return spec


def torchvision_missing() -> bool:
    """Whether torchvision is not importable."""
    return importlib.util.find_spec('torchvision') is None


def apply() -> bool:
    """Install the finder if torchvision is missing.

    Returns:
        bool: True if the finder is (now) installed.
    """
    if any(isinstance(f, MMPretrainTorchvisionFinder) for f in sys.meta_path):
        return True
    if not torchvision_missing():
        return False
    sys.meta_path.insert(0, MMPretrainTorchvisionFinder())
    return True
