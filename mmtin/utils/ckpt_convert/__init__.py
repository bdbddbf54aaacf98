# Copyright (c) OpenMMLab. All rights reserved.
"""Converters from published checkpoint formats (see tools/convert_checkpoint.py)."""
