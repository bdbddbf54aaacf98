# Copyright (c) OpenMMLab. All rights reserved.
"""Silence mmcv-lite's ``MultiScaleDeformableAttention`` warning, only.

``mmcv/cnn/bricks/transformer.py`` warns ``Fail to import
``MultiScaleDeformableAttention`` from ``mmcv.ops.multi_scale_deform_attn``,
You should install ``mmcv`` rather than ``mmcv-lite`` ...`` when it is
imported without the compiled ops. mmtin never needs that op, so while mmtin
imports mmcv (``import mmtin``) exactly this message is ignored; the filter is
removed afterwards, and every other warning is shown as usual.
"""
import contextlib
import warnings

MESSAGE = r'Fail to import ``MultiScaleDeformableAttention`` from'


@contextlib.contextmanager
def quiet_mmcv_lite():
    """Ignore the mmcv-lite ``MultiScaleDeformableAttention`` warning inside
    the ``with`` block (and nothing else)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            'ignore', message=MESSAGE, category=UserWarning)
        yield
