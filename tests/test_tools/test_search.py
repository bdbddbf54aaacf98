# Copyright (c) OpenMMLab. All rights reserved.
"""tools/search.py end to end: 2 worker processes, report, best config.

The exported best config is built (Config.fromfile + MODELS.build) and
accepted by tools/test.py. (Resume and worker sharing are tested on the
package: tests/test_search/test_study_driver.py.)
"""
import json
import os
import sys

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmaction.registry import MODELS
import proc_helpers
from script_loader import REPO_ROOT, load_script
from search_helpers import make_dataset, make_search


def _search(*args):
    env = dict(os.environ, PYTHONWARNINGS='ignore', OMP_NUM_THREADS='1',
               PYTHONPATH=os.pathsep.join(
                   [str(REPO_ROOT), os.environ.get('PYTHONPATH', '')]))
    proc = proc_helpers.run(
        [sys.executable, 'tools/search.py', *map(str, args)],
        cwd=REPO_ROOT, env=env, timeout=400)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.slow
def test_search_cli_two_workers_report_and_best_config(tmp_path):
    data_root = make_dataset(tmp_path / 'data')
    search = make_search(tmp_path, data_root, n_trials=2)
    work_dir = tmp_path / 'wd'
    out = _search(search, '--workers', 2, '--work-dir', work_dir,
                  '--study-name', 'cli')
    assert '| rank | trial | state | acc/top1 | params |' in out
    assert "study 'cli': 2/2 trials counted (complete 2" in out
    for name in ('leaderboard.md', 'results.json', 'history.png',
                 'importance.png', 'best_config.py', 'worker_0.log',
                 'worker_1.log', 'study.db'):
        assert (work_dir / name).is_file(), name

    best = Config.fromfile(str(work_dir / 'best_config.py'))
    assert '_base_' not in best and 'work_dir' not in best
    init_default_scope('mmaction')
    model = MODELS.build(best.model)
    assert type(model).__name__ == 'Recognizer2D'
    trial_dir = next(work_dir.glob('trial_*'))
    assert (trial_dir / 'config.py').is_file()
    # tools/test.py accepts the exported config with the trial checkpoint
    ckpt = json.load(open(work_dir / 'results.json'))['best_checkpoint']
    load_script('tools/test.py').main(
        [str(work_dir / 'best_config.py'), ckpt, '--work-dir',
         str(tmp_path / 'test')])
