# Copyright (c) OpenMMLab. All rights reserved.
"""tools/check_dataset.py finds broken videos and config mismatches."""
import importlib.util
import json
import sys

import pytest

import proc_helpers
import robustness_helpers as helpers

TOOL = helpers.REPO_ROOT / 'tools' / 'check_dataset.py'


def _load_tool():
    spec = importlib.util.spec_from_file_location('mmtin_check_dataset',
                                                  TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_dataset = _load_tool()


@pytest.fixture(scope='module')
def broken_set(tmp_path_factory, video_dir):
    """Good videos (16 frames) plus missing/truncated/garbage/short ones."""
    root = tmp_path_factory.mktemp('check_dataset')
    ann = helpers.make_video_set(root, num_videos=3, num_frames=16)
    videos = root / 'videos'
    real = (video_dir / 'test.mp4').read_bytes()
    (videos / 'truncated.mp4').write_bytes(real[:int(len(real) * 0.3)])
    (videos / 'garbage.mp4').write_bytes(b'\xde\xad\xbe\xef' * 500)
    helpers.make_video(videos / 'short.mp4', 3)  # SampleFrames needs 4
    ann.write_text(ann.read_text() + 'missing.mp4 0\ntruncated.mp4 1\n\n'
                   'garbage.mp4 2\nshort.mp4 3\n')
    # lines: v0..v2 = 1..3, missing 4, truncated 5, garbage 7, short 8
    return root, ann


def _config(root, ann, name, **model_changes):
    cfg = helpers.tiny_config(ann, root / 'videos')
    cfg['model']['cls_head'].update(model_changes)
    return helpers.write_config(root / f'{name}.py', cfg)


@pytest.mark.slow
def test_cli_reports_broken_videos(broken_set, tmp_path):
    root, ann = broken_set
    out = tmp_path / 'report.json'
    result = proc_helpers.run(
        [sys.executable, str(TOOL), str(_config(root, ann, 'cli')),
         '--out', str(out), '--nproc', '2'],
        cwd=helpers.REPO_ROOT, env=helpers.subprocess_env(), timeout=300)
    assert result.returncode == 1, result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report['ann_file'] == str(ann)
    assert report['num_samples'] == 7 and report['num_broken'] == 3
    assert report['sampling']['min_frames'] == 4
    found = {(e['line'], e['filename'].split('/')[-1], e['problem'])
             for e in report['broken']}
    assert found == {(4, 'missing.mp4', 'missing'),
                     (5, 'truncated.mp4', 'undecodable'),
                     (7, 'garbage.mp4', 'undecodable')}
    # short_video='loop' (default): looped in training and testing, so
    # listed as looped, not broken
    assert [(e['line'], e['num_frames']) for e in report['looped']] == [
        (8, 3)]
    assert report['config_problems'] == []
    assert 'task/s' in result.stdout  # the progress bar
    assert f'{ann}:5 {root / "videos" / "truncated.mp4"}: undecodable' \
        in result.stdout
    assert 'too short, looped (3 frames, the sampling needs at least 4)' \
        in result.stdout


def test_clean_split_exits_zero(tmp_path):
    ann = helpers.make_video_set(tmp_path, num_videos=2, num_frames=8)
    config = _config(tmp_path, ann, 'clean')
    code = check_dataset.main([str(config), '--work-dir',
                               str(tmp_path / 'work'), '--decode', 'all'])
    assert code == 0
    report = json.loads(
        (tmp_path / 'work' / 'check_dataset_train.json').read_text())
    assert report['num_samples'] == 2 and report['broken'] == []
    assert all(e['num_frames'] == 8 for e in report.get('broken', []))


def test_label_and_segment_problems_fail(tmp_path):
    ann = helpers.make_video_set(tmp_path, num_videos=4, num_frames=8)
    config = _config(tmp_path, ann, 'labels', num_classes=2)
    out = tmp_path / 'labels.json'
    assert check_dataset.main([str(config), '--out', str(out)]) == 1
    problems = json.loads(out.read_text())['config_problems']
    assert len(problems) == 1
    assert problems[0].startswith('model.cls_head.num_classes is 2, but '
                                  f'{ann} has 2 label(s) >= 2')
    assert '3 (line 4), 2 (line 3)' in problems[0]


def test_unusable_inputs(tmp_path, capsys):
    ann = helpers.make_video_set(tmp_path, num_videos=1, num_frames=8)
    assert check_dataset.main([str(tmp_path / 'nope.py')]) == 2
    config = _config(tmp_path, ann, 'val')
    assert check_dataset.main([str(config), '--split', 'val']) == 2
    assert 'has no val_dataloader.dataset' in capsys.readouterr().err
    ann.write_text('v0.mp4 zero\n')
    out = tmp_path / 'bad_ann.json'
    assert check_dataset.main([str(config), '--out', str(out)]) == 1
    error = json.loads(out.read_text())['annotation_error']
    assert f'{ann}, line 1' in error


def test_short_video_follows_the_dataset_rule(tmp_path, capsys):
    """check_dataset called a short video broken while training and
    testing looped it; now it applies the dataset's short_video key."""
    ann = helpers.make_video_set(tmp_path, num_videos=2, num_frames=8)
    helpers.make_video(tmp_path / 'videos' / 'short.mp4', 3)
    ann.write_text(ann.read_text() + 'short.mp4 1\n')
    config = _config(tmp_path, ann, 'short')
    out = tmp_path / 'short.json'
    assert check_dataset.main([str(config), '--out', str(out)]) == 0
    report = json.loads(out.read_text())
    assert report['short_video'] == 'loop' and report['broken'] == []
    assert [e['line'] for e in report['looped']] == [3]
    assert '1 short videos looped' in capsys.readouterr().out
    assert check_dataset.main([
        str(config), '--out', str(out), '--cfg-options',
        'train_dataloader.dataset.short_video=error']) == 1
    report = json.loads(out.read_text())
    assert [(e['line'], e['problem']) for e in report['broken']] == [
        (3, 'too_short')]
    assert '3 frames, the sampling needs at least 4' in \
        report['broken'][0]['detail']
