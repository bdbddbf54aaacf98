# Copyright (c) OpenMMLab. All rights reserved.
"""ImageNetVIDDataset + LoadVIDFrames + PackVIDInputs on a hand-written
ImageNet VID tree, and their errors (each naming the file or key)."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmtin.datasets import ImageNetVIDDataset
from mmtin.datasets.transforms import LoadVIDFrames, PackVIDInputs

XML = """<annotation><folder>{folder}</folder><filename>{name}</filename>
<size><width>40</width><height>30</height></size>{objects}</annotation>"""
OBJ = """<object><trackid>{tid}</trackid><name>{cls}</name><bndbox>
<xmax>{x2}</xmax><xmin>{x1}</xmin><ymax>{y2}</ymax><ymin>{y1}</ymin>
</bndbox><occluded>0</occluded><generated>0</generated></object>"""


def write_tree(root, frames=5, boxes=None, skip_xml=None):
    """Real VID layout: 2 snippets of ``frames`` JPEGs, dog + car."""
    snippets = ['ILSVRC2015_VID_train_0000/ILSVRC2015_train_00000000',
                'ILSVRC2015_VID_train_0000/ILSVRC2015_train_00000001']
    for s, snippet in enumerate(snippets):
        img_dir = root / 'Data/VID/train' / snippet
        ann_dir = root / 'Annotations/VID/train' / snippet
        img_dir.mkdir(parents=True)
        ann_dir.mkdir(parents=True)
        for t in range(frames):
            name = f'{t:06d}'
            img = np.full((30, 40, 3), 10 * t + s, np.uint8)
            cv2.imwrite(str(img_dir / f'{name}.JPEG'), img)
            if (s, t) == skip_xml:
                continue
            box = (boxes or {}).get((s, t), (2 + t, 3, 12 + t, 20))
            objects = OBJ.format(tid=0, cls='n02084071', x1=box[0],
                                 y1=box[1], x2=box[2], y2=box[3])
            if s == 1:
                objects += OBJ.format(tid=1, cls='n02958343', x1=20, y1=5,
                                      x2=39, y2=29)
            (ann_dir / f'{name}.xml').write_text(
                XML.format(folder=snippet, name=name, objects=objects))
    (root / 'ImageSets/VID').mkdir(parents=True)
    (root / 'ImageSets/VID/train.txt').write_text(
        ''.join(f'train/{s} 1\n' for s in snippets))
    return snippets


def build(root, **kw):
    kw.setdefault('clip_len', 2)
    return ImageNetVIDDataset(
        ann_file='ImageSets/VID/train.txt', data_root=str(root),
        data_prefix=dict(img='Data/VID', ann='Annotations/VID'), **kw)


def test_clips_labels_and_boxes(tmp_path):
    write_tree(tmp_path)
    train = build(tmp_path)
    # 5 frames, clip_len 2: windows 0-1, 2-3 and 3-4 (ending at the last)
    assert len(train) == 6
    starts = [int(train.get_data_info(i)['frames'][0]['frame_id'][-6:])
              for i in range(3)]
    assert starts == [0, 2, 3]
    test = build(tmp_path, test_mode=True)
    lengths = [len(test.get_data_info(i)['frames']) for i in range(6)]
    assert lengths == [2, 2, 1] * 2
    frame = test.get_data_info(5)['frames'][0]
    assert frame['frame_id'].endswith('00000001/000004')
    # dog is label 8 and car 6 in VID's class order
    assert frame['gt_labels'].tolist() == [8, 6]
    assert frame['gt_bboxes'].tolist() == [[6, 3, 16, 20], [20, 5, 39, 29]]
    assert frame['track_ids'].tolist() == [0, 1] and \
        frame['degradation'] == ''


def test_frame_lines_and_pipeline(tmp_path):
    snippets = write_tree(tmp_path)
    init_default_scope('mmaction')
    (tmp_path / 'frames.txt').write_text(
        f'train/{snippets[0]}/000001 1\ntrain/{snippets[0]}/000002 1\n')
    ds = ImageNetVIDDataset(
        ann_file='frames.txt', data_root=str(tmp_path), clip_len=4,
        test_mode=True,
        data_prefix=dict(img='Data/VID', ann='Annotations/VID'),
        pipeline=[dict(type='LoadVIDFrames', scale=(15, 100)),
                  dict(type='PackVIDInputs')])
    assert len(ds) == 1
    out = ds[0]
    assert out['inputs'].shape == (2, 3, 15, 20)
    assert out['inputs'].dtype == torch.uint8
    assert int(out['inputs'][1, 0, 7, 7]) == 20  # frame 2 of snippet 0
    sample = out['data_samples']
    assert sample.frame_ids == [f'train/{snippets[0]}/000001',
                                f'train/{snippets[0]}/000002']
    assert sample.scale_factor == 0.5 and sample.ori_shape == (30, 40)
    assert sample.img_shape == (15, 20)
    assert torch.equal(sample.gt_instances[1].bboxes,
                       torch.tensor([[2., 1.5, 7., 10.]]))


def test_repeated_lines_count_once(tmp_path):
    """VID's per-class lists name a snippet once per class."""
    snippets = write_tree(tmp_path)
    (tmp_path / 'all.txt').write_text(
        f'train/{snippets[1]} 1\ntrain/{snippets[1]} -1\n'
        f'train/{snippets[0]}/000001 1\ntrain/{snippets[0]}/000001 1\n')
    ds = ImageNetVIDDataset(
        ann_file='all.txt', data_root=str(tmp_path), clip_len=5,
        test_mode=True,
        data_prefix=dict(img='Data/VID', ann='Annotations/VID'))
    assert [len(ds.get_data_info(i)['frames']) for i in range(len(ds))] == [
        5, 1]


@pytest.mark.parametrize('case,match', [
    ('missing_xml', 'missing annotation frame: .*000003.xml'),
    ('outside', r'000002.xml: box .* outside the 40x30 image'),
    ('empty_video', 'empty video: snippet'),
    ('unknown_class', "class 'n99999999' is not one of"),
    ('bad_line', 'line 3: .*neither a snippet folder nor a frame'),
    ('short', 'fewer than clip_len=9'),
])
def test_clear_errors(tmp_path, case, match):
    kw = {}
    if case == 'missing_xml':
        write_tree(tmp_path, skip_xml=(1, 3))
    elif case == 'outside':
        write_tree(tmp_path, boxes={(0, 2): (30, 3, 41, 20)})
    else:
        snippets = write_tree(tmp_path)
    if case == 'empty_video':
        folder = tmp_path / 'Data/VID/train' / snippets[1]
        for p in folder.iterdir():
            p.unlink()
    elif case == 'unknown_class':
        p = tmp_path / 'Annotations/VID/train' / snippets[0] / '000001.xml'
        p.write_text(p.read_text().replace('n02084071', 'n99999999'))
    elif case == 'bad_line':
        p = tmp_path / 'ImageSets/VID/train.txt'
        p.write_text(p.read_text() + 'train/nothing_here 1\n')
    elif case == 'short':
        kw['clip_len'] = 9
    with pytest.raises((ValueError, FileNotFoundError), match=match):
        build(tmp_path, **kw)


def test_transform_errors(tmp_path):
    snippets = write_tree(tmp_path, frames=2)
    ds = build(tmp_path, test_mode=True)
    info = ds.get_data_info(0)
    with pytest.raises(ValueError, match='empty video'):
        LoadVIDFrames().transform(dict(info, frames=[]))
    bad = dict(info['frames'][0], width=41)
    with pytest.raises(ValueError, match='is 40x30 but its annotation says '
                       '41x30'):
        LoadVIDFrames().transform(dict(info, frames=[bad]))
    gone = dict(info['frames'][0], img_path=osp.join(str(tmp_path), 'x.png'))
    with pytest.raises(FileNotFoundError, match='x.png could not be read'):
        LoadVIDFrames().transform(dict(info, frames=[gone]))
    packed = PackVIDInputs()(LoadVIDFrames()(dict(info)))
    assert packed['data_samples'].snippet == f'train/{snippets[0]}'
