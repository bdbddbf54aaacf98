# Copyright (c) OpenMMLab. All rights reserved.
"""Published MoViNet architectures (Kondratyuk et al., CVPR 2021).

Numbers from TF Model Garden ``official/projects/movinet/modeling/movinet.py``
(``BLOCK_SPECS``), written in the paper's notation: each stage is
``(base_channels, layers)``; a layer ``'E/tkk'`` has expansion width ``E``
and depthwise kernel ``(t, k, k)``; a trailing ``*`` marks spatial stride 2
(``(1, 2, 2)``). ``stem`` is the stem width (a 1x3x3 conv with stride
(1, 2, 2)) and ``project`` the width of the final 1x1x1 conv (the backbone's
output channels); the classifier head's hidden width is a
``MoViNetHead`` argument.
"""
import re
from typing import Dict, List, Tuple

MOVINET_ARCHS: Dict[str, dict] = {
    'a0': dict(
        stem=8,
        stages=[(8, '24/155*'),
                (32, '80/333* 80/333 80/333'),
                (56, '184/533* 112/333 184/333'),
                (56, '184/533 184/333 184/333 184/333'),
                (104, '384/533* 280/155 280/155 344/155')],
        project=480),
    'a1': dict(
        stem=16,
        stages=[(16, '40/155* 40/333'),
                (40, '96/333* 120/333 96/333 96/333'),
                (64, '216/533* 128/333 216/333 168/333 216/333'),
                (64, '216/533 216/333 216/333 128/333 128/155 216/333'),
                (136, '456/533* 360/155 360/155 360/155 456/155 456/333 '
                 '544/133')],
        project=600),
    'a2': dict(
        stem=16,
        stages=[(16, '40/155* 40/333 64/333'),
                (40, '96/333* 120/333 96/333 96/333 120/333'),
                (72, '240/533* 160/333 240/333 192/333 240/333'),
                (72, '240/533 240/333 240/333 240/333 144/155 240/333'),
                (144, '480/533* 384/155 384/155 480/155 480/155 480/333 '
                 '576/133')],
        project=640),
    'a3': dict(
        stem=16,
        stages=[(16, '40/155* 40/333 64/333 40/333'),
                (48, '112/333* 144/333 112/333 112/155 144/333 144/333'),
                (80, '240/533* 152/333 240/333 192/333 240/333'),
                (88, '264/533 264/333 264/333 264/333 160/155 264/333 '
                 '264/333 264/333'),
                (168, '560/533* 448/155 448/155 560/155 560/155 560/333 '
                 '448/155 448/155 560/333 672/133')],
        project=744),
    'a4': dict(
        stem=24,
        stages=[(24, '64/155* 64/333 96/333 64/333 96/333 64/333'),
                (56, '168/333* 168/333 136/333 136/333 168/333 168/333 '
                 '168/333 136/155 136/333'),
                (96, '320/533* 160/333 320/333 192/333 320/333 160/333 '
                 '320/333 256/333 320/333'),
                (96, '320/533 320/333 320/333 320/333 192/155 320/333 '
                 '320/333 192/333 320/333 320/333'),
                (192, '640/533* 512/155 512/155 640/155 640/155 640/333 '
                 '512/155 512/155 640/155 768/155 640/155 640/333 '
                 '768/333')],
        project=856),
    'a5': dict(
        stem=24,
        stages=[(24, '64/155* 64/155 96/333 64/333 96/333 64/333'),
                (64, '192/533* 152/333 152/333 152/333 192/333 192/333 '
                 '192/333 152/333 152/333 192/333 192/333'),
                (112, '376/533* 224/333 376/333 376/333 296/333 376/333 '
                 '224/333 376/333 376/333 296/333 376/333 376/333 '
                 '376/333'),
                (120, '376/533 376/333 376/333 376/333 224/155 376/333 '
                 '376/333 224/333 376/333 376/333 376/333'),
                (224, '744/533* 744/333 600/155 600/155 744/155 744/155 '
                 '744/333 896/155 600/155 600/155 896/155 744/155 '
                 '744/333 896/155 600/155 600/155 744/155 744/333')],
        project=992),
    't0': dict(
        stem=8,
        stages=[(8, '16/155*'),
                (32, '72/333* 72/155'),
                (56, '112/533* 112/155 112/333'),
                (56, '184/533 184/155 184/333 184/333'),
                (104, '344/533* 344/155 344/155 344/333')],
        project=240),
}

_LAYER_RE = re.compile(r'^(\d+)/(\d)(\d)(\d)(\*?)$')


def parse_layers(spec: str) -> List[Tuple[int, Tuple[int, int, int], int]]:
    """Parse ``'E/tkk[*] ...'`` into ``[(E, (t, k, k), spatial_stride)]``.

    Args:
        spec (str): Space-separated layers, e.g. ``'80/333* 80/333'``.

    Returns:
        list[tuple]: One ``(expand_channels, kernel_size, stride)`` a layer.
    """
    layers = []
    for token in spec.split():
        m = _LAYER_RE.match(token)
        if m is None or m.group(3) != m.group(4):
            raise ValueError(f'bad MoViNet layer spec {token!r}: expected '
                             f'"E/tkk" or "E/tkk*", e.g. "80/333*"')
        kernel = (int(m.group(2)), int(m.group(3)), int(m.group(4)))
        layers.append((int(m.group(1)), kernel, 2 if m.group(5) else 1))
    return layers
