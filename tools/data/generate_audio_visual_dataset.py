# Copyright (c) OpenMMLab. All rights reserved.
"""Write the audio-visual AdaMML demo dataset.

Usage:
    python tools/data/generate_audio_visual_dataset.py OUT_DIR
        [--num-per-class N] [--frames F] [--size S] [--seed X]
        [--picture-audio {random_tone,noise}]

See mmtin/datasets/synthetic/audio_visual.py; configs/adamml/*demo* read
``data/audio_visual``.

The same as ``python -m mmtin.datasets.synthetic audio_visual OUT_DIR
[options]`` (:mod:`mmtin.datasets.synthetic.cli`), which an installed
wheel has.
"""
import sys

from mmtin.datasets.synthetic.cli import main as _generate


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    _generate(['audio_visual'] + argv)


if __name__ == '__main__':
    main()
