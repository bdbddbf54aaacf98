# Copyright (c) OpenMMLab. All rights reserved.
"""Write the moving-object dataset (mmtin/datasets/synthetic/moving_object.py).

Usage:
    python tools/data/generate_moving_object_dataset.py OUT_DIR
        [--num-videos N] [--frames F] [--size S] [--seed X]

The class is the half of the frame (left / right) where a moving object
spends most frames; configs/lsts/*_moving_object.py read
``data/moving_object``.

The same as ``python -m mmtin.datasets.synthetic moving_object OUT_DIR
[options]`` (:mod:`mmtin.datasets.synthetic.cli`), which an installed
wheel has.
"""
import sys

from mmtin.datasets.synthetic.cli import main as _generate


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    _generate(['moving_object'] + argv)


if __name__ == '__main__':
    main()
