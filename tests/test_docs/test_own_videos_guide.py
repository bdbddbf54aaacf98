# Copyright (c) OpenMMLab. All rights reserved.
"""The own-videos guide of docs/get_started.md runs as written, end to end:
its config, the generated stand-in data (lists with absolute paths too),
check_dataset, the offline training command and both test commands."""
import os
import shutil
import sys

import pytest
from doc_blocks import REPO_ROOT, parse_page
import proc_helpers

PAGE = REPO_ROOT / 'docs' / 'get_started.md'
CONFIG = 'configs/my_tin_r18_videos.py'
SECTION = '## Training on your own data'


def _guide_blocks():
    text = PAGE.read_text()
    start = text.index(SECTION)
    end = text.index('\n## ', start + len(SECTION))
    first = text[:start].count('\n') + 1
    last = text[:end].count('\n') + 1
    return [b for b in parse_page(PAGE) if first <= b.line <= last]


def _commands(blocks):
    """The guide's shell lines to run: all but the multi-GPU launch and
    the full (downloading, 20-epoch) training, which has an offline line."""
    lines = [ln for b in blocks if b.lang == 'bash'
             for ln in b.code.splitlines() if ln.strip()]
    lines = [ln for ln in lines if 'dist_train' not in ln and not (
        'tools/train.py' in ln and 'pretrained=None' not in ln)]
    order = ('-m mmtin', 'check_dataset', 'train.py', 'test.py')
    return sorted(lines, key=lambda ln: [o in ln for o in order].index(True))


def test_guide_mentions_what_a_first_day_needs():
    text = PAGE.read_text()
    guide = text[text.index(SECTION):text.index('\n## ', text.index(
        SECTION) + 1)]
    for needed in ('test.txt', 'absolute path', 'pretrained=None',
                   'downloads', 'last_checkpoint'):
        assert needed in guide, needed
    assert 'best_acc_top1_epoch_20.pth' not in guide  # depends on the run
    config = next(b for b in _guide_blocks() if b.option('config') == CONFIG)
    assert 'persistent_workers=True' not in config.code  # EpochSeedHook


@pytest.mark.slow
def test_own_videos_guide_end_to_end(tmp_path):
    blocks = _guide_blocks()
    config = next(b for b in blocks if b.option('config') == CONFIG)
    (tmp_path / 'configs').mkdir()
    shutil.copytree(REPO_ROOT / 'configs' / '_base_',
                    tmp_path / 'configs' / '_base_')
    (tmp_path / CONFIG).write_text(config.code)
    (tmp_path / 'tools').symlink_to(REPO_ROOT / 'tools')
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS='1',
               PYTHONWARNINGS='ignore', CUDA_VISIBLE_DEVICES='')
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env['PATH']
    commands = _commands(blocks)
    assert [c.split()[1] for c in commands] == [
        '-m', 'tools/check_dataset.py', 'tools/train.py', 'tools/test.py',
        'tools/test.py']
    outputs = []
    for command in commands:
        proc = proc_helpers.run(
            command.replace('python ', f'{sys.executable} ', 1),
            shell=True, executable='/bin/bash', cwd=tmp_path, env=env,
            timeout=300)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, f'{command}:\n{out[-4000:]}'
        outputs.append(out)
        if '-m mmtin.datasets.synthetic' in command:
            # the lists may hold absolute paths: make the test list so
            test_list = tmp_path / 'data' / 'my_videos' / 'test.txt'
            root = test_list.parent.resolve()
            test_list.write_text(''.join(
                f'{root / ln.split()[0]} {ln.split()[1]}\n'
                for ln in test_list.read_text().splitlines() if ln))
    train_out = outputs[2]
    assert 'EpochSeedHook cannot reseed' not in train_out
    for out in outputs[3:]:
        assert 'acc/top1: ' in out
