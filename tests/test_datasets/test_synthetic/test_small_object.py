# Copyright (c) OpenMMLab. All rights reserved.
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmtin.datasets.synthetic.small_object import (
    CLASSES, generate_small_object_dataset, render_clip)


def test_target_is_small_moving_and_textured_by_class():
    rng = np.random.default_rng(0)
    clip, corners = render_clip(rng, 1, size=96, frames=8, object_size=16)
    assert clip.shape == (8, 96, 96, 3) and clip.dtype == np.uint8
    assert 16 * 16 / 96**2 < 0.05  # a few percent of the frame
    assert (corners[0] != corners[-1]).any()  # it moves
    x, y = corners[3]
    inner = clip[3, y + 2:y + 14, x + 2:x + 14, 0].astype(int)
    # class 1 (vertical): every column is constant, rows are not
    assert (inner == inner[:1]).all() and len(np.unique(inner[0])) == 2


@pytest.mark.parametrize('label', range(len(CLASSES)))
def test_area_downsample_hides_the_class(label):
    """A period x period box filter maps every texture to one flat grey:
    the glance (area downsample by the period) cannot see the class."""
    for period in (3, 4):
        rng = np.random.default_rng(label)
        clip, corners = render_clip(rng, label, size=96, frames=1,
                                    object_size=16, period=period,
                                    num_discs=0)
        x, y = corners[0]
        patch = torch.from_numpy(clip[0, y + 2:y + 14, x + 2:x + 14, 0])
        box = F.avg_pool2d(patch[None, None].float(), period, stride=1)
        assert box.max() - box.min() < 1.0  # flat (rounding only)
        dark = (period // 2) / period
        expected = 255 * (0.15 * dark + 0.85 * (1 - dark))
        assert abs(box.mean() - expected) < 1.0


def test_generates_mp4_and_annotations(tmp_path):
    meta = generate_small_object_dataset(
        str(tmp_path), num_videos=8, frames=4, size=64, object_size=12,
        val_ratio=0.25, test_ratio=0.25)
    assert meta['counts'] == dict(train=4, val=2, test=2)
    lines = (tmp_path / 'train.txt').read_text().split('\n')[:-1]
    assert [int(line.split()[1]) for line in lines] == [0, 1, 2, 3]
    import av
    with av.open(str(tmp_path / lines[0].split()[0])) as container:
        frames = [f.to_ndarray(format='rgb24')
                  for f in container.decode(video=0)]
    assert len(frames) == 4 and frames[0].shape == (64, 64, 3)
    assert (tmp_path / 'label_map.txt').read_text().split() == list(CLASSES)


def test_bad_arguments_named(tmp_path):
    with pytest.raises(ValueError, match='object_size'):
        generate_small_object_dataset(str(tmp_path), object_size=60)
    with pytest.raises(ValueError, match='size'):
        generate_small_object_dataset(str(tmp_path), size=31)


def test_ring_colour_is_the_only_saturated_colour_and_tells_the_pair():
    """The glance cue: the target's ring is red for classes 0/1 and blue for
    2/3, and nothing else in the frame is nearly as saturated."""
    for label in range(len(CLASSES)):
        rng = np.random.default_rng(10 + label)
        clip, corners = render_clip(rng, label, size=96, frames=1,
                                    object_size=16, num_discs=12)
        img = clip[0].astype(int)
        x, y = corners[0]
        ring = img[y, x + 4]
        assert ring.argmax() == (0 if label < 2 else 2)
        saturation = img.max(-1) - img.min(-1)
        outside = np.ones(img.shape[:2], bool)
        outside[y:y + 16, x:x + 16] = False
        assert saturation[outside].max() <= 0.2 * 255 + 1
        assert saturation[y, x + 4] >= 0.85 * 255


# --------------------------------------------------------------------------
# Axes of variation and named variants (#24 item 1)
# --------------------------------------------------------------------------
from mmtin.datasets.synthetic.small_object import AXES, VARIANTS  # noqa
from mmtin.datasets.synthetic.small_object_parts import (  # noqa
    TARGETS, tile)

# sha256 (first 16 hex digits) of the bytes of render_clip's (frames,
# corners) for sample index i = 0..3 (label i % 4, rng default_rng([0, i]),
# all other arguments default), computed with the code of commit f07df77
# (before the axes existed) with a throw-away script: the defaults must keep
# reproducing these frames byte for byte.
ORIGINAL_HASHES = ('e0a19c0580f7f08b', '474ef9cc6888ea65', '7a3f60d426524208',
                   'e062cc27583af213')


def _sha(*arrays):
    import hashlib
    digest = hashlib.sha256()
    for a in arrays:
        digest.update(np.ascontiguousarray(a).tobytes())
    return digest.hexdigest()[:16]


def test_defaults_reproduce_the_original_frames():
    got = tuple(
        _sha(*render_clip(np.random.default_rng([0, i]), i % 4))
        for i in range(4))
    assert got == ORIGINAL_HASHES
    # and the 'dev' variant is those defaults
    got = tuple(
        _sha(*render_clip(np.random.default_rng([0, i]), i % 4,
                          **VARIANTS['dev'])) for i in range(4))
    assert got == ORIGINAL_HASHES


def test_registry_has_dev_and_held_out_variants_on_several_axes():
    assert 'dev' in VARIANTS and len(VARIANTS) >= 4
    for name, axes in VARIANTS.items():
        assert set(axes) == set(AXES), name
        for axis, value in axes.items():
            assert AXES[axis] is None or value in AXES[axis], (name, axis)
        if name != 'dev':
            differ = [a for a in AXES if axes[a] != VARIANTS['dev'][a]]
            assert len(differ) >= 3, (name, differ)


@pytest.mark.parametrize('target', list(TARGETS))
@pytest.mark.parametrize('period', [4, 7])
def test_every_target_family_hides_the_class_at_glance(target, period):
    """Box-filtered by the period, the 4 classes' textures are one flat
    grey; unfiltered, no class is a shift of another."""
    side = 3 * period
    boxes = []
    for label in range(4):
        rng = np.random.default_rng(label)
        clip, corners = render_clip(rng, label, size=96, frames=1,
                                    object_size=side + 4, period=period,
                                    target=target)
        x, y = corners[0]
        patch = torch.from_numpy(clip[0, y + 2:y + 2 + side,
                                      x + 2:x + 2 + side, 0]).float()
        boxes.append(F.avg_pool2d(patch[None, None], period, stride=1))
    boxes = torch.cat(boxes)
    assert boxes.max() - boxes.min() < 1.0
    # fine detail tells the classes apart, whatever the phase
    if target != 'stripes':
        masks = [tile(target, label, period) for label in range(4)]
        for a in range(4):
            for b in range(a + 1, 4):
                for dy in range(period):
                    for dx in range(period):
                        shifted = np.roll(masks[b], (dy, dx), (0, 1))
                        assert (shifted != masks[a]).any(), (a, b, dy, dx)


def _glance(img, period):
    """Area downsample of ``[H, W, C]`` by ``period`` (the glance)."""
    t = torch.from_numpy(np.ascontiguousarray(img)).float().permute(2, 0, 1)
    return F.avg_pool2d(t[None], period)[0].permute(1, 2, 0).numpy() / 255


@pytest.mark.parametrize('cue', AXES['cue'])
@pytest.mark.parametrize('clutter', AXES['clutter'])
def test_glance_finds_the_target_for_every_cue_and_clutter(cue, clutter):
    """At glance resolution the cue's saliency peaks on the target: the
    ring/border saturation, the brightness ring's distance from mid grey,
    or, for the motion cue, the only change between frames."""
    period, side = 4, 16
    for seed in range(3):
        label = seed % 4
        clip, corners = render_clip(np.random.default_rng(seed), label,
                                    size=96, frames=8, object_size=side,
                                    cue=cue, clutter=clutter)
        g = np.stack([_glance(f, period) for f in clip])
        if cue in ('ring', 'border'):
            sal = g[0].max(-1) - g[0].min(-1)
        elif cue == 'brightness':
            sal = np.abs(g[0].mean(-1) - 0.5)
        else:
            sal = np.abs(g - g[:1]).sum((0, 3))
        cy, cx = np.unravel_index(sal.argmax(), sal.shape)
        touched = set()
        for x, y in (corners if cue == 'motion' else corners[:1]):
            rows = range(y // period, (y + side - 1) // period + 1)
            cols = range(x // period, (x + side - 1) // period + 1)
            touched |= {(r, c) for r in rows for c in cols}
        assert (cy, cx) in touched, (cue, clutter, seed)
        if cue == 'motion':  # static background: change only at the target
            assert all((r, c) in touched for r, c in zip(*np.nonzero(sal)))
            assert np.abs(corners[-1] - corners[0]).max() >= side / 2
        if cue == 'ring':  # the pair's colour shows at glance
            ring = clip[0, corners[0][1], corners[0][0] + side // 2]
            assert ring.argmax() == (0 if label < 2 else 2)


@pytest.mark.parametrize('name', list(VARIANTS))
def test_only_the_target_patch_depends_on_the_label(name):
    """Same seed, different class: same clutter, same path; the frames
    differ only inside the target's inner (texture) square."""
    axes = VARIANTS[name]
    side, ring = axes['object_size'], 2
    clips = [render_clip(np.random.default_rng(7), label, frames=4, **axes)
             for label in range(4)]
    corners = clips[0][1]
    for label in range(1, 4):
        assert (clips[label][1] == corners).all()
        diff = (clips[label][0] != clips[0][0]).any(-1)
        if axes['cue'] in ('ring', 'brightness') and label >= 2:
            continue  # the ring itself tells the pair (the coarse cue)
        for t, (x, y) in enumerate(corners):
            inside = np.zeros_like(diff[t])
            inside[y + ring:y + side - ring, x + ring:x + side - ring] = True
            assert not diff[t][~inside].any(), (name, label, t)
        assert diff.any()


@pytest.mark.parametrize('clutter', AXES['clutter'])
def test_clutter_stays_in_the_muted_envelope(clutter):
    from mmtin.datasets.synthetic.small_object_parts import render_clutter
    for seed in range(3):
        frame = render_clutter(clutter, np.random.default_rng(seed), 96, 8)
        assert frame.shape == (96, 96, 3)
        assert frame.min() >= 0.1 - 1e-9 and frame.max() <= 0.95 + 1e-9
        assert (frame.max(-1) - frame.min(-1)).max() <= 0.2 + 1e-9
        assert frame.std() > 0.02  # not flat


@pytest.mark.parametrize('motion', AXES['motion'])
def test_every_motion_moves_inside_the_frame(motion):
    from mmtin.datasets.synthetic.small_object_parts import render_path
    for seed in range(5):
        corners = render_path(motion, np.random.default_rng(seed), 8, 80,
                              96, 0.25)
        assert corners.shape == (8, 2)
        assert corners.min() >= 0 and corners.max() <= 80
        assert len({tuple(c) for c in corners}) > 1
    if motion != 'straight':  # not a straight line at constant speed
        steps = np.diff(corners, axis=0)
        assert (steps != steps[0]).any()


def test_variant_in_meta_and_explicit_axes_override(tmp_path):
    import json
    meta = generate_small_object_dataset(
        str(tmp_path), num_videos=4, frames=2, size=64, val_ratio=0.25,
        test_ratio=0.25, variant='glyphs_border', motion='straight')
    expected = dict(VARIANTS['glyphs_border'], motion='straight')
    assert meta['variant'] == 'glyphs_border'
    assert meta['variant_axes'] == expected
    assert meta['object_size'] == expected['object_size']
    assert meta['classes'] == list(TARGETS['glyphs'])
    on_disk = json.loads((tmp_path / 'meta.json').read_text())
    assert on_disk['variant_axes'] == expected
    assert (tmp_path / 'label_map.txt').read_text().split() == \
        list(TARGETS['glyphs'])


@pytest.mark.parametrize('kwargs, name', [
    (dict(variant='nope'), 'variant'),
    (dict(target='letters'), 'target'),
    (dict(cue='sound'), 'cue'),
    (dict(clutter='people'), 'clutter'),
    (dict(motion='teleport'), 'motion'),
    (dict(target='glyphs', period=3, object_size=16), 'period'),
])
def test_bad_axis_values_are_named_with_the_allowed_ones(
        tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=name) as info:
        generate_small_object_dataset(str(tmp_path), **kwargs)
    if name != 'period':
        assert 'must be one of' in str(info.value)
    assert not (tmp_path / 'meta.json').exists()


@pytest.mark.parametrize('name', list(VARIANTS))
def test_each_variant_is_reproducible_from_its_seed(name):
    def draw(seed):
        return render_clip(np.random.default_rng(seed), 1,
                    **VARIANTS[name])[0]
    assert np.array_equal(draw(3), draw(3))
    assert not np.array_equal(draw(3), draw(4))
