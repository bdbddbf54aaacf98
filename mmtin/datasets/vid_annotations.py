# Copyright (c) OpenMMLab. All rights reserved.
"""ImageNet VID per-frame annotations (PASCAL-VOC-style XML with
``trackid``): the one reader and writer, shared by the dataset and the
synthetic generator.

A frame's XML holds ``<size>`` (``width``, ``height``) and one
``<object>`` per box (``trackid``, ``name``, ``bndbox`` with ``xmin``,
``ymin``, ``xmax``, ``ymax`` in pixels, ``occluded``). mmtin's generated
data adds an optional ``<degradation>`` element (``blur`` or
``occlusion``); real VID files have none (not degraded).
"""
import xml.etree.ElementTree as ET
from typing import Dict, Sequence

import numpy as np

DEGRADATIONS = ('', 'blur', 'occlusion')


def _number(node, tag, path):
    child = node.find(tag)
    if child is None or child.text is None:
        raise ValueError(f'{path}: missing <{tag}>')
    try:
        return float(child.text)
    except ValueError:
        raise ValueError(f'{path}: <{tag}> is {child.text!r}, not a '
                         'number') from None


def read_vid_xml(path: str, class_to_label: Dict[str, int]) -> dict:
    """Parse one frame's XML.

    Args:
        path (str): The XML file.
        class_to_label (dict): Class name (a WordNet id for VID) -> label.

    Returns:
        dict: ``width``, ``height``, ``gt_bboxes`` (``float32 [K, 4]``),
        ``gt_labels`` (``int64 [K]``), ``track_ids`` (``int64 [K]``) and
        ``degradation`` (``''`` when absent).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: a field is missing or not a number, a class is unknown,
            or a box is empty or outside the image; the message names the
            file.
    """
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise FileNotFoundError(
            f'missing annotation frame: {path} does not exist') from None
    except ET.ParseError as err:
        raise ValueError(f'{path}: not valid XML ({err})') from None
    size = root.find('size')
    if size is None:
        raise ValueError(f'{path}: missing <size>')
    width, height = _number(size, 'width', path), _number(size, 'height',
                                                          path)
    boxes, labels, tracks = [], [], []
    for obj in root.findall('object'):
        name = (obj.findtext('name') or '').strip()
        if name not in class_to_label:
            raise ValueError(f'{path}: object class {name!r} is not one of '
                             f'the dataset classes {sorted(class_to_label)}')
        box_node = obj.find('bndbox')
        if box_node is None:
            raise ValueError(f'{path}: object {name!r} has no <bndbox>')
        box = [_number(box_node, k, path)
               for k in ('xmin', 'ymin', 'xmax', 'ymax')]
        if not (0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <=
                height):
            raise ValueError(
                f'{path}: box (xmin, ymin, xmax, ymax) = {box} is empty or '
                f'outside the {int(width)}x{int(height)} image')
        boxes.append(box)
        labels.append(class_to_label[name])
        track = obj.findtext('trackid')
        tracks.append(int(track) if track is not None else -1)
    degradation = (root.findtext('degradation') or '').strip()
    if degradation not in DEGRADATIONS:
        raise ValueError(f'{path}: <degradation> {degradation!r} is not one '
                         f'of {DEGRADATIONS}')
    return dict(
        width=int(width),
        height=int(height),
        gt_bboxes=np.asarray(boxes, np.float32).reshape(-1, 4),
        gt_labels=np.asarray(labels, np.int64),
        track_ids=np.asarray(tracks, np.int64),
        degradation=degradation)


def write_vid_xml(path: str, folder: str, filename: str, width: int,
                  height: int, boxes: Sequence[Sequence[float]],
                  names: Sequence[str], track_ids: Sequence[int],
                  degradation: str = '') -> None:
    """Write one frame's XML in ImageNet VID's layout (plus the optional
    ``<degradation>``)."""
    root = ET.Element('annotation')
    ET.SubElement(root, 'folder').text = folder
    ET.SubElement(root, 'filename').text = filename
    size = ET.SubElement(root, 'size')
    ET.SubElement(size, 'width').text = str(width)
    ET.SubElement(size, 'height').text = str(height)
    for box, name, track in zip(boxes, names, track_ids):
        obj = ET.SubElement(root, 'object')
        ET.SubElement(obj, 'trackid').text = str(int(track))
        ET.SubElement(obj, 'name').text = name
        bnd = ET.SubElement(obj, 'bndbox')
        for key, value in zip(('xmin', 'ymin', 'xmax', 'ymax'), box):
            ET.SubElement(bnd, key).text = f'{float(value):g}'
        ET.SubElement(obj, 'occluded').text = str(
            int(degradation == 'occlusion'))
        ET.SubElement(obj, 'generated').text = '0'
    if degradation:
        ET.SubElement(root, 'degradation').text = degradation
    ET.ElementTree(root).write(path)

