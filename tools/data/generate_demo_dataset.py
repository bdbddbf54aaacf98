# Copyright (c) OpenMMLab. All rights reserved.
"""Write the temporal-order demo dataset (mmtin.datasets.synthetic).

Usage:
    python tools/data/generate_demo_dataset.py OUT_DIR [--num-videos N]
        [--frames F] [--size S] [--seed X]

Class 0 is an object moving (mostly) rightwards, class 1 the exact
time-reversal of the same frames; the configs in configs/demo/ read OUT_DIR
``data/demo``.

The same as ``python -m mmtin.datasets.synthetic temporal_order OUT_DIR
[options]`` (:mod:`mmtin.datasets.synthetic.cli`), which an installed
wheel has.
"""
import sys

from mmtin.datasets.synthetic.cli import main as _generate


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    _generate(['temporal_order'] + argv)


if __name__ == '__main__':
    main()
