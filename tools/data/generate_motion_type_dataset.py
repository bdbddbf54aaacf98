# Copyright (c) OpenMMLab. All rights reserved.
"""Write the motion-type dataset (mmtin/datasets/synthetic/motion_type.py).

Usage:
    python tools/data/generate_motion_type_dataset.py OUT_DIR
        [--num-videos N] [--frames F] [--size S] [--seed X]
        [--scene {textured,plain}]

The class is how one object moves (static, linear, circular);
``tools/analysis/cvrl_evidence.py`` generates its data (plain scene) by
itself.

The same as ``python -m mmtin.datasets.synthetic motion_type OUT_DIR
[options]`` (:mod:`mmtin.datasets.synthetic.cli`), which an installed
wheel has.
"""
import sys

from mmtin.datasets.synthetic.cli import main as _generate


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    _generate(['motion_type'] + argv)


if __name__ == '__main__':
    main()
