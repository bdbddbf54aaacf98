# Copyright (c) OpenMMLab. All rights reserved.
"""The parts a small-object clip is made of, one renderer per axis value:
target textures (``TARGETS``), glance cues (``CUES``), clutter kinds
(``CLUTTERS``) and motions (``MOTIONS``). See :mod:`.small_object` for
what each value looks like and the property every one keeps.

Every clutter kind stays in the same envelope: channel values in
``[0.1, 0.95]`` and channels within 0.2 of each other (so a saturated cue
stays the one saturated thing).
"""
import numpy as np

#: Class names of each target family (class ``k`` of every family).
TARGETS = {
    'stripes': ('horizontal', 'vertical', 'diagonal', 'antidiagonal'),
    'glyphs': ('plus', 'cross', 'tee', 'ell'),
    'dots': ('grid', 'blob', 'pairs_h', 'pairs_v'),
    'shapes': ('square', 't_shape', 's_shape', 'l_shape'),
}
CUES = ('ring', 'brightness', 'border', 'motion')
CLUTTERS = ('discs', 'rectangles', 'gradients', 'blurred_noise', 'texture')
MOTIONS = ('straight', 'curved', 'bouncing')

#: ring colour of classes (0, 1) and of (2, 3) for the ``'ring'`` cue
RING_RGB = ((0.95, 0.05, 0.05), (0.05, 0.05, 0.95))
#: one colour for every class for the ``'border'`` cue (position only)
BORDER_RGB = (0.05, 0.9, 0.05)
#: ring grey of pairs (0, 1) and (2, 3) for the ``'brightness'`` cue
BRIGHTNESS = (1.0, 0.0)
#: grey of the ring band for the ``'motion'`` cue (no static mark)
MOTION_GREY = 0.5
DARK, LIGHT = 0.15, 0.85

# Cells (row, col) of a 3 x 3 grid; glyphs have 5 cells, shapes 4, so all
# classes of a family darken the same number of pixels per period tile.
_CELLS = {
    'glyphs': (((0, 1), (1, 0), (1, 1), (1, 2), (2, 1)),
               ((0, 0), (0, 2), (1, 1), (2, 0), (2, 2)),
               ((0, 0), (0, 1), (0, 2), (1, 1), (2, 1)),
               ((0, 0), (1, 0), (2, 0), (2, 1), (2, 2))),
    'shapes': (((0, 0), (0, 1), (1, 0), (1, 1)),
               ((0, 0), (0, 1), (0, 2), (1, 1)),
               ((0, 1), (0, 2), (1, 0), (1, 1)),
               ((0, 0), (1, 0), (2, 0), (2, 1))),
}


def min_period(target):
    """Smallest texture period a target family draws (stripes: 2)."""
    return 2 if target == 'stripes' else 4


def _stripes(label, side, period, phase):
    """The stripe textures (dark on ``period // 2`` of every ``period``
    pixels along rows, columns or a diagonal)."""
    yy, xx = np.mgrid[:side, :side] + np.asarray(phase)[:, None, None]
    key = (yy, xx, xx + yy, xx - yy)[label]
    return np.where(key % period < period // 2, DARK, LIGHT)


def tile(target, label, period):
    """The ``[period, period]`` boolean dark mask one class repeats.

    Every class of a family darkens the same number of pixels, so a
    ``period x period`` box filter maps each texture to the same flat grey.
    """
    mask = np.zeros((period, period), bool)
    if target == 'dots':
        h = period // 2
        spots = (((0, 0), (0, h), (h, 0), (h, h)),
                 ((0, 0), (0, 1), (1, 0), (1, 1)),
                 ((0, 0), (0, 1), (h, h), (h, h + 1)),
                 ((0, 0), (1, 0), (h, h), (h + 1, h)))[label]
        for y, x in spots:
            mask[y % period, x % period] = True
        return mask
    s = (period - 1) // 3  # cell side: a 1-px gap keeps glyphs apart
    for y, x in _CELLS[target][label]:
        mask[y * s:(y + 1) * s, x * s:(x + 1) * s] = True
    return mask


def render_texture(target, label, side, period, phase):
    """A ``[side, side]`` grey texture (``DARK`` / ``LIGHT``) of class
    ``label`` of family ``target``, shifted by ``phase`` (y, x)."""
    if target == 'stripes':
        return _stripes(label, side, period, phase)
    yy, xx = np.mgrid[:side, :side] + np.asarray(phase)[:, None, None]
    dark = tile(target, label, period)[yy % period, xx % period]
    return np.where(dark, DARK, LIGHT)


def _smooth(rng, size, cells, channels):
    """Bilinear upsampling of a ``cells + 1`` grid of uniform noise."""
    coarse = rng.random((cells + 1, cells + 1, channels))
    pos = np.linspace(0, cells, size)
    i0 = np.minimum(pos.astype(int), cells - 1)
    w = (pos - i0)[:, None, None]
    rows = coarse[i0] * (1 - w) + coarse[i0 + 1] * w
    w = (pos - i0)[None, :, None]
    return rows[:, i0] * (1 - w) + rows[:, i0 + 1] * w


def _to_envelope(grey, tint):
    """``grey`` rescaled to [0.2, 0.75] plus a ``[0, 0.2]`` tint."""
    span = grey.max() - grey.min()
    grey = (grey - grey.min()) / (span if span > 0 else 1)
    return 0.2 + 0.55 * grey[..., None] + 0.2 * tint


def _blur(rng, size, sigma):
    """White noise low-passed by a Gaussian of ``sigma`` px (FFT)."""
    freq = np.fft.fftfreq(size)
    gain = np.exp(-2 * (np.pi * sigma)**2 * (freq[:, None]**2 +
                                             freq[None]**2))
    return np.fft.ifft2(np.fft.fft2(rng.normal(size=(size, size))) *
                        gain).real


def render_clutter(kind, rng, size, num_discs):
    """A ``[size, size, 3]`` static background of kind ``kind``.

    ``'discs'`` is the original clutter: smooth tinted-grey noise plus
    ``num_discs`` static discs of muted colours.
    """
    yy, xx = np.mgrid[:size, :size]
    if kind in ('discs', 'rectangles'):
        cells = 4
        coarse = rng.uniform(0.25, 0.75, (cells + 1, cells + 1, 1)) + \
            rng.uniform(0, 0.2, (cells + 1, cells + 1, 3))
        pos = np.linspace(0, cells, size)
        i0 = np.minimum(pos.astype(int), cells - 1)
        w = (pos - i0)[:, None, None]
        rows = coarse[i0] * (1 - w) + coarse[i0 + 1] * w
        w = (pos - i0)[None, :, None]
        frame = rows[:, i0] * (1 - w) + rows[:, i0 + 1] * w
        for _ in range(num_discs):
            if kind == 'discs':
                r = rng.uniform(3, size / 10)
                cx, cy = rng.uniform(0, size, 2)
                colour = rng.uniform(0.1, 0.7) + rng.uniform(0, 0.2, 3)
                frame[(xx - cx)**2 + (yy - cy)**2 <= r * r] = colour
            else:
                x0, y0 = rng.integers(0, size, 2)
                w, h = rng.integers(4, size // 4, 2)
                colour = rng.uniform(0.1, 0.7) + rng.uniform(0, 0.2, 3)
                frame[y0:y0 + h, x0:x0 + w] = colour
        return frame
    if kind == 'gradients':
        grey = np.zeros((size, size))
        for _ in range(3):
            angle, freq = rng.uniform(0, 2 * np.pi), rng.uniform(0.3, 1.5)
            ramp = (xx * np.cos(angle) + yy * np.sin(angle)) / size
            grey += np.cos(2 * np.pi * freq * ramp + rng.uniform(0, 6.3))
        return _to_envelope(grey, _smooth(rng, size, 2, 3))
    if kind == 'blurred_noise':
        return _to_envelope(_blur(rng, size, size / 32),
                            _smooth(rng, size, 4, 3))
    # texture: 1/f ("natural") noise, octaves of smooth noise
    grey = sum(_smooth(rng, size, cells, 1)[..., 0] / cells
               for cells in (2, 4, 8, 16, 32))
    return _to_envelope(grey, _smooth(rng, size, 3, 3))


def render_path(kind, rng, frames, room, size, max_shift, min_shift=0.0):
    """Top-left corners ``[frames, 2]`` (x, y) in ``[0, room]``.

    Args:
        kind (str): One of ``MOTIONS``.
        rng (numpy.random.Generator): Source of randomness.
        frames (int): Number of frames.
        room (int): Largest corner coordinate.
        size (int): Frame side.
        max_shift (float): Largest displacement of a straight or curved
            path, as a fraction of ``size``; a bouncing path travels
            ``2 * max_shift * size`` pixels.
        min_shift (float): Smallest displacement per axis in pixels
            (straight and curved paths). Default: 0.
    """
    t = np.linspace(0, 1, frames)[:, None]
    if kind == 'bouncing':
        start = rng.uniform(0, room, 2)
        angle = rng.uniform(0, 2 * np.pi)
        travel = 2 * max_shift * size * np.array([np.cos(angle),
                                                  np.sin(angle)])
        pos = np.mod(start + travel * t, 2 * room)
        return np.rint(room - np.abs(room - pos)).astype(int)
    shift = rng.uniform(-1, 1, 2) * max_shift * size
    if min_shift:
        shift = np.where(shift < 0, -1, 1) * np.maximum(np.abs(shift),
                                                        min_shift)
    start = np.array([rng.uniform(max(0, -s), room - max(0, s))
                      for s in shift])
    if kind == 'straight':
        return np.rint(start + shift * t).astype(int)
    # curved: a quadratic Bezier bent sideways; all its control points lie
    # in [0, room], so the whole path does
    bend = np.array([-shift[1], shift[0]]) * rng.uniform(-1, 1)
    mid = np.clip(start + shift / 2 + bend, 0, room)
    pts = (1 - t)**2 * start + 2 * t * (1 - t) * mid + t**2 * (start + shift)
    return np.rint(pts).astype(int)
