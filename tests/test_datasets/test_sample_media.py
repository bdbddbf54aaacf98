# Copyright (c) OpenMMLab. All rights reserved.
"""The tests' own media (``tests/media.py``) decode through MMAction2's
pipelines with both readers, with the frame counts they were written with;
the shared sample videos, when present beside the checkout, are decoded
too."""
import av
import numpy as np
import pytest
from mmengine.dataset import Compose

import media
from mmaction.datasets.transforms import (DecordDecode, DecordInit,
                                          PyAVDecode, PyAVInit)


def test_generated_set_has_every_container(video_dir):
    names = {p.name for p in video_dir.iterdir()}
    expected = {'demo.mp4', 'test.mp4', 'test.avi', 'audio.mp4'}
    if media.can_encode('libvpx-vp9'):
        expected.add('test.webm')
    assert names == expected
    codecs = {}
    for name in names:
        with av.open(str(video_dir / name)) as container:
            codecs[name] = sorted(
                (s.type, s.codec_context.name) for s in container.streams)
    assert codecs['test.mp4'] == [('video', 'h264')]
    assert codecs['test.avi'] == [('video', 'mpeg4')]
    assert codecs['audio.mp4'] == [('audio', 'aac'), ('video', 'h264')]
    if 'test.webm' in names:
        assert codecs['test.webm'] == [('video', 'vp9')]


def test_label_map(shared_dir):
    labels = (shared_dir / 'data' / 'label_map_k400.txt').read_text()
    labels = labels.splitlines()
    assert len(labels) == media.NUM_LABELS == len(set(labels))


@pytest.mark.parametrize('reader', ['decord', 'pyav'])
def test_every_sample_video_decodes(sample_videos, video_dir, reader):
    init, decode = ((DecordInit(), DecordDecode()) if reader == 'decord'
                    else (PyAVInit(), PyAVDecode()))
    pipeline = Compose([init, decode])
    for path in sample_videos:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            num_frames = sum(1 for _ in container.decode(stream))
            size = (stream.codec_context.height, stream.codec_context.width)
            header_frames = stream.frames  # 0 in webm: no count stored
        if path.parent == video_dir:  # generated: as many as written
            assert num_frames == media.VIDEOS[path.name][4], path
        inds = [0, num_frames // 2, num_frames - 1]
        results = pipeline(
            dict(filename=str(path), frame_inds=np.array(inds), clip_len=3,
                 num_clips=1, start_index=0, modality='RGB'))
        # PyAVInit reports the container's count, decord counts frames
        expected = num_frames if reader == 'decord' else header_frames
        assert results['total_frames'] == expected, (path, reader)
        imgs = results['imgs']
        assert len(imgs) == 3 and imgs[0].shape == size + (3, ), path
        # the square moves: first and last sampled frames differ
        assert (imgs[0].astype(int) - imgs[-1].astype(int)).any(), path
