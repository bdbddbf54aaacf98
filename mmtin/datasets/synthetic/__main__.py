# Copyright (c) OpenMMLab. All rights reserved.
"""``python -m mmtin.datasets.synthetic NAME OUT_DIR [options]``."""
from .cli import main

main()
