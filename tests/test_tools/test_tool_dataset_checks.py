# Copyright (c) OpenMMLab. All rights reserved.
"""What mmtin's tools/train.py and tools/test.py do to the datasets of a
config: a stock ``VideoDataset`` becomes ``CheckedVideoDataset`` (logged), so
a truncated video's error names the file; an empty annotation file is named
before anything is built."""
import av
import pytest
from mmengine.config import Config

import media
from mmtin.datasets.checked_video_dataset import (BrokenVideoError,
                                                  CheckedVideoDataset)
from mmtin.datasets import (check_annotation_files,
                            use_checked_video_datasets)
from script_loader import load_script

CONFIG = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)
pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
dataset = dict(type='VideoDataset', ann_file={ann!r},
               data_prefix=dict(video={videos!r}), pipeline=pipeline)
train_dataloader = dict(
    batch_size=2, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False), dataset=dataset)
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNetTSM', depth=18, num_segments=2,
                  pretrained=None, pretrained2d=False),
    cls_head=dict(type='TSMHead', num_classes=2, in_channels=512,
                  num_segments=2, dropout_ratio=0.0),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[128., 128., 128.], std=[64., 64., 64.],
                           format_shape='NCHW'))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01))
'''


def _faststart_truncated(path):
    """An mp4 whose index (moov) comes first, cut in half: it opens, and
    decord fails while reading frames, without naming the file."""
    full = path.with_name('full_' + path.name)
    with av.open(str(full), 'w', format='mp4',
                 options=dict(movflags='faststart')) as out:
        stream = out.add_stream('libx264', rate=10,
                                options=media.FAST_OPTIONS['libx264'])
        stream.width = stream.height = 64
        stream.pix_fmt = 'yuv420p'
        for frame in media.moving_frames(64, 64, 40):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(
                frame, format='rgb24')))
        out.mux(stream.encode())
    data = full.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    full.unlink()
    return path


def _config(tmp_path, ann_text, videos):
    ann = tmp_path / 'ann.txt'
    ann.write_text(ann_text)
    path = tmp_path / 'stock_video_dataset.py'
    path.write_text(CONFIG.format(ann=str(ann), videos=str(videos)))
    return path, ann


def test_swap_and_checks_on_configs(tmp_path):
    inner = dict(type='VideoDataset', ann_file='a.txt', pipeline=[])
    cfg = Config(dict(
        train_dataloader=dict(dataset=dict(type='RepeatDataset', times=2,
                                           dataset=inner)),
        val_dataloader=dict(dataset=dict(type='ConcatDataset', datasets=[
            dict(inner), dict(type='RawframeDataset', ann_file='b.txt')])),
        test_dataloader=None))
    lines = use_checked_video_datasets(cfg)
    assert [line.split(':')[0] for line in lines] == [
        'train_dataloader.dataset.dataset',
        'val_dataloader.dataset.datasets.0'
    ]
    assert cfg.train_dataloader.dataset.dataset.type == 'CheckedVideoDataset'
    assert cfg.val_dataloader.dataset.datasets[1].type == 'RawframeDataset'
    assert use_checked_video_datasets(cfg) == []  # nothing left to swap
    # empty (blank lines only) file under data_root, in a wrapped dataset
    (tmp_path / 'b.txt').write_text('\n  \n')
    (tmp_path / 'a.txt').write_text('x.mp4 0\n')
    cfg.val_dataloader.dataset.datasets[1].data_root = str(tmp_path)
    cfg.train_dataloader.dataset.dataset.data_root = str(tmp_path)
    cfg.val_dataloader.dataset.datasets[0].data_root = str(tmp_path)
    with pytest.raises(ValueError) as info:
        check_annotation_files(cfg)
    assert str(info.value).startswith(
        'val_dataloader.dataset.datasets.1.ann_file: the annotation file '
        f'{tmp_path / "b.txt"} is empty')
    (tmp_path / 'b.txt').write_text('frames 8 0\n')
    check_annotation_files(cfg)  # passes now


def test_checked_dataset_names_an_empty_file(tmp_path):
    ann = tmp_path / 'empty.txt'
    ann.write_text('')
    with pytest.raises(ValueError, match=f'{ann} is empty'):
        CheckedVideoDataset(str(ann), pipeline=[])


@pytest.mark.slow
def test_train_tool_names_an_empty_annotation_file(tmp_path, video_dir):
    config, ann = _config(tmp_path, '\n', video_dir)
    train = load_script('tools/train.py')
    with pytest.raises(ValueError, match=f'{ann} is empty'):
        train.main([str(config), '--work-dir', str(tmp_path / 'work')])


@pytest.mark.slow
def test_train_tool_names_a_truncated_video(tmp_path, video_dir):
    videos = tmp_path / 'videos'
    videos.mkdir()
    (videos / 'ok.mp4').symlink_to(video_dir / 'test.mp4')
    _faststart_truncated(videos / 'cut.mp4')
    config, ann = _config(tmp_path, 'ok.mp4 0\ncut.mp4 1\n', videos)
    train = load_script('tools/train.py')
    with pytest.raises(BrokenVideoError) as info:
        train.main([str(config), '--work-dir', str(tmp_path / 'work')])
    msg = str(info.value)
    assert str(videos / 'cut.mp4') in msg and f'{ann}' in msg, msg
    assert 'line 2' in msg or ':2' in msg, msg
    # the config's stock VideoDataset would have raised decord's error
    assert 'DECORD' in str(info.value.__cause__) or \
        'decord' in repr(info.value.__cause__).lower(), info.value.__cause__
