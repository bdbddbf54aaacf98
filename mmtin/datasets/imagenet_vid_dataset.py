# Copyright (c) OpenMMLab. All rights reserved.
"""ImageNet VID (and the generated VID-style data) as clips of frames with
per-frame boxes."""
import os
import os.path as osp
from typing import List, Optional, Sequence

from mmaction.registry import DATASETS
from mmengine.dataset import BaseDataset

from .vid_annotations import read_vid_xml

#: The 30 ImageNet VID classes (WordNet ids, as in the XML files), in the
#: order of the challenge's class list.
VID_CLASSES = (
    'n02691156', 'n02419796', 'n02131653', 'n02834778', 'n01503061',
    'n02924116', 'n02958343', 'n02402425', 'n02084071', 'n02121808',
    'n02503517', 'n02118333', 'n02510455', 'n02342885', 'n02374451',
    'n02129165', 'n01674464', 'n02484322', 'n03790512', 'n02324045',
    'n02509815', 'n02411705', 'n01726692', 'n02355227', 'n02129604',
    'n04468005', 'n01662784', 'n04530566', 'n02062744', 'n02391049')


@DATASETS.register_module()
class ImageNetVIDDataset(BaseDataset):
    """Video object detection clips in ImageNet VID's layout.

    ``ann_file`` (e.g. ``ImageSets/VID/train.txt``) lists one path per line
    (further tokens are ignored), relative to ``data_prefix['img']``: a
    snippet folder (all its frames) or one frame without extension (frames
    are grouped by their folder; repeated lines count once). Every frame ``F`` of snippet ``S`` needs
    ``data_prefix['ann']/S/F.xml`` (see :mod:`mmtin.datasets.
    vid_annotations`). Each snippet is cut into clips of ``clip_len``
    consecutive frames: in test mode non-overlapping windows that cover
    every frame once (the last one may be shorter); for training the full
    windows starting at ``0, clip_len, ...`` plus one ending at the last
    frame.

    Each item holds ``frames``: per frame ``img_path``, ``frame_id``
    (``'S/F'``), ``width``, ``height``, ``gt_bboxes``, ``gt_labels``,
    ``track_ids`` and ``degradation``.

    Args:
        ann_file (str): The list of snippets / frames.
        clip_len (int): Frames per clip. Default: 8.
        img_ext (str): Frame file extension. Default: '.JPEG'.
        metainfo (dict, optional): ``classes``: the class names of the XML
            ``<name>`` fields, in label order. Default: the 30 VID WordNet
            ids.
        data_root (str): Root of ``ann_file`` and ``data_prefix``.
            Default: ''.
        data_prefix (dict): ``img`` and ``ann`` folders. Default:
            dict(img='Data/VID/train', ann='Annotations/VID/train').
        pipeline (list): Transforms. Default: [].
        test_mode (bool): Test-mode clips. Default: False.
        **kwargs: Other ``BaseDataset`` arguments.
    """

    METAINFO = dict(classes=VID_CLASSES)

    def __init__(self,
                 ann_file: str,
                 clip_len: int = 8,
                 img_ext: str = '.JPEG',
                 metainfo: Optional[dict] = None,
                 data_root: str = '',
                 data_prefix: dict = dict(
                     img='Data/VID/train', ann='Annotations/VID/train'),
                 pipeline: Sequence = (),
                 test_mode: bool = False,
                 **kwargs) -> None:
        if isinstance(clip_len, bool) or not isinstance(
                clip_len, int) or clip_len < 1:
            raise ValueError('ImageNetVIDDataset: clip_len must be an int '
                             f'>= 1, got {clip_len!r}')
        for key in ('img', 'ann'):
            if key not in data_prefix:
                raise KeyError(f'ImageNetVIDDataset: data_prefix needs the '
                               f"key '{key}', got {dict(data_prefix)}")
        self.clip_len = clip_len
        self.img_ext = img_ext
        super().__init__(
            ann_file=ann_file,
            metainfo=metainfo,
            data_root=data_root,
            data_prefix=data_prefix,
            pipeline=list(pipeline),
            test_mode=test_mode,
            **kwargs)

    def _snippets(self) -> dict:
        """Snippet folder -> frame names (None: all frames), in file
        order."""
        img_root = self.data_prefix['img']
        snippets = {}
        with open(self.ann_file) as f:
            for number, line in enumerate(f, 1):
                tokens = line.split()
                if not tokens:
                    continue
                path = tokens[0].strip('/')
                if osp.isdir(osp.join(img_root, path)):
                    snippets[path] = None
                elif osp.isfile(osp.join(img_root, path + self.img_ext)):
                    folder, frame = osp.split(path)
                    names = snippets.setdefault(folder, [])
                    if names is not None:
                        names.append(frame)
                else:
                    raise FileNotFoundError(
                        f'{self.ann_file}, line {number}: {path!r} is '
                        f'neither a snippet folder nor a frame '
                        f'({self.img_ext}) under {img_root}')
        if not snippets:
            raise ValueError(f'{self.ann_file} lists no snippet')
        # a snippet or frame listed again (VID's per-class lists) counts once
        return {k: None if v is None else list(dict.fromkeys(v))
                for k, v in snippets.items()}

    def _windows(self, num_frames: int) -> List[range]:
        k = self.clip_len
        if self.test_mode:
            return [range(s, min(s + k, num_frames))
                    for s in range(0, num_frames, k)]
        starts = list(range(0, num_frames - k + 1, k))
        if starts[-1] + k < num_frames:
            starts.append(num_frames - k)
        return [range(s, s + k) for s in starts]

    def load_data_list(self) -> List[dict]:
        """One item per clip (see the class docstring)."""
        classes = self.metainfo['classes']
        class_to_label = {name: i for i, name in enumerate(classes)}
        img_root, ann_root = self.data_prefix['img'], self.data_prefix['ann']
        data_list = []
        for snippet, names in self._snippets().items():
            if names is None:
                folder = osp.join(img_root, snippet)
                names = sorted(n[:-len(self.img_ext)]
                               for n in os.listdir(folder)
                               if n.endswith(self.img_ext))
            if not names:
                raise ValueError(
                    f'empty video: snippet {snippet!r} has no '
                    f'{self.img_ext} frames in {osp.join(img_root, snippet)}')
            if not self.test_mode and len(names) < self.clip_len:
                raise ValueError(
                    f'snippet {snippet!r} has {len(names)} frames, fewer '
                    f'than clip_len={self.clip_len} (training clips have '
                    'clip_len frames)')
            frames = []
            for name in names:
                ann = read_vid_xml(
                    osp.join(ann_root, snippet, name + '.xml'),
                    class_to_label)
                frames.append(dict(
                    ann,
                    img_path=osp.join(img_root, snippet,
                                      name + self.img_ext),
                    frame_id=f'{snippet}/{name}'))
            for window in self._windows(len(frames)):
                data_list.append(dict(
                    snippet=snippet, frames=[frames[i] for i in window]))
        return data_list
