# Copyright (c) OpenMMLab. All rights reserved.
"""Converters from published checkpoint formats.

See ``tools/convert_checkpoint.py``.
"""
