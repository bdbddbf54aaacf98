# Copyright (c) OpenMMLab. All rights reserved.
"""The generated VID-style data: layout, reproducibility, boxes that match
the drawn pixels, degraded frames, and the non-empty-folder guard."""
import json

import cv2
import numpy as np
import pytest

from mmtin.datasets.synthetic import generate_vid_objects_dataset
from mmtin.datasets.synthetic.vid_objects import render_snippet, shape_mask
from mmtin.datasets.vid_annotations import read_vid_xml


def test_shapes_fill_their_box():
    for label in range(4):
        m = shape_mask(label, 12)
        assert m[0].any() and m[-1].any() and m[:, 0].any() and m[:,
                                                                  -1].any()
    areas = [shape_mask(label, 30).mean() for label in range(4)]
    assert areas[0] == 1 and areas[1] == pytest.approx(np.pi / 4, abs=0.05)
    assert areas[2] == pytest.approx(0.5, abs=0.05)


def test_boxes_cover_the_object_pixels():
    """Without degradations every changed pixel lies inside a box, and every
    box has changed pixels near each of its sides."""
    rng = np.random.default_rng(3)
    clip, boxes, labels, degr = render_snippet(
        rng, frames=6, size=64, max_objects=1, blur_prob=0.,
        occlusion_prob=0.)
    assert degr == [''] * 6 and len(labels) == 1
    for t in range(5):
        moved = np.abs(clip[t].astype(int) - clip[t + 1]).sum(-1) > 0
        ys, xs = moved.nonzero()
        inside = np.zeros_like(moved)
        for b in (boxes[t], boxes[t + 1]):
            x0, y0, x1, y1 = b[0].astype(int)
            inside[y0:y1, x0:x1] = True
        assert moved.any() and inside[ys, xs].all()
    assert (boxes[..., :2] >= 0).all() and (boxes[..., 2:] <= 64).all()
    # the objects move: boxes differ between the first and the last frame
    assert not np.allclose(boxes[0], boxes[-1])


def test_generate_layout_meta_and_reproducible(tmp_path):
    kw = dict(num_videos=(3, 2), frames=6, size=48, blur_prob=0.3,
              occlusion_prob=0.3)
    meta = generate_vid_objects_dataset(str(tmp_path / 'a'), seed=5, **kw)
    generate_vid_objects_dataset(str(tmp_path / 'b'), seed=5, **kw)
    generate_vid_objects_dataset(str(tmp_path / 'c'), seed=6, **kw)
    on_disk = json.loads((tmp_path / 'a' / 'meta.json').read_text())
    assert on_disk == meta and on_disk['seed'] == 5
    assert on_disk['blur_prob'] == 0.3 and on_disk['size'] == 48
    lines = (tmp_path / 'a/ImageSets/VID/val.txt').read_text().splitlines()
    assert lines == ['snippet_00000 6', 'snippet_00001 6']
    img = 'Data/VID/train/snippet_00002/000005.png'
    a = cv2.imread(str(tmp_path / 'a' / img))
    assert a.shape == (48, 48, 3)
    assert np.array_equal(a, cv2.imread(str(tmp_path / 'b' / img)))
    assert not np.array_equal(a, cv2.imread(str(tmp_path / 'c' / img)))
    labels = {c: i for i, c in enumerate(meta['classes'])}
    degr = [read_vid_xml(str(p), labels)['degradation'] for p in sorted(
        (tmp_path / 'a/Annotations/VID').rglob('*.xml'))]
    assert len(degr) == 30 and {'blur', 'occlusion'} <= set(degr)
    assert sum(d != '' for d in degr) == sum(
        c['degraded_frames'] for c in meta['counts'].values())


def test_refuses_foreign_non_empty_folder(tmp_path):
    (tmp_path / 'mine.txt').write_text('keep me')
    with pytest.raises(FileExistsError, match='not empty'):
        generate_vid_objects_dataset(str(tmp_path), num_videos=(1, 1),
                                     frames=2, size=32)
    assert (tmp_path / 'mine.txt').read_text() == 'keep me'
    out = tmp_path / 'gen'
    generate_vid_objects_dataset(str(out), num_videos=(1, 1), frames=2,
                                 size=32)
    with pytest.raises(FileExistsError, match='overwrite=True'):
        generate_vid_objects_dataset(str(out), num_videos=(1, 1), frames=2,
                                     size=32)
    meta = generate_vid_objects_dataset(str(out), num_videos=(2, 1),
                                        frames=2, size=32, overwrite=True)
    assert meta['counts']['train']['snippets'] == 2


@pytest.mark.parametrize('speeds', [(4.0, 2.0), (-1.0, 2.0)])
def test_refuses_bad_speeds_before_writing(tmp_path, speeds):
    out = tmp_path / 'gen'
    with pytest.raises(ValueError, match='min_speed <= max_speed'):
        generate_vid_objects_dataset(str(out), num_videos=(1, 1), frames=2,
                                     size=32, min_speed=speeds[0],
                                     max_speed=speeds[1])
    assert not out.exists()
