# Copyright (c) OpenMMLab. All rights reserved.
"""Write the small-object dataset (mmtin/datasets/synthetic/small_object.py).

Usage:
    python tools/data/generate_small_object_dataset.py OUT_DIR
        [--num-videos N] [--frames F] [--size S] [--object-size O]
        [--period P] [--seed X]

The class is the fine stripe texture inside one small red-ringed square
moving through a cluttered frame; configs/adafocus/ read OUT_DIR
``data/small_object``.

The same as ``python -m mmtin.datasets.synthetic small_object OUT_DIR
[options]`` (:mod:`mmtin.datasets.synthetic.cli`), which an installed
wheel has.
"""
import sys

from mmtin.datasets.synthetic.cli import main as _generate


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    _generate(['small_object'] + argv)


if __name__ == '__main__':
    main()
