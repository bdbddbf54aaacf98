# Copyright (c) OpenMMLab. All rights reserved.
"""StudyDriver: failure isolation, stale (killed) trials, resume after a
kill, two worker processes on one SQLite study.

Worker processes are forked from the test process (no re-import), each runs
``StudyDriver.run_worker`` like a ``tools/search.py --worker`` process.
"""
import multiprocessing as mp
import os
import signal
import time

import optuna
import pytest
from optuna.trial import TrialState

from mmtin.search import (StudyDriver, TrialRunner, build_storage, counted,
                          load_search_config)
from mmtin.search.study_driver import HEARTBEAT_ATTR, WORKER_ATTR
from script_loader import load_script
from search_helpers import make_dataset, make_search

LR = 0.02


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp('search_data'))


def _setup(tmp_path, data_root, n_trials, enqueue=()):
    search_cfg = load_search_config(
        str(make_search(tmp_path, data_root, n_trials=n_trials,
                        enqueue=enqueue, broken=bool(enqueue))))
    work_dir = str(tmp_path / 'wd')
    return search_cfg, work_dir


def _worker(search_cfg, work_dir, n_trials, index):
    import torch
    torch.set_num_threads(1)  # forked child: no inherited thread pool
    driver = StudyDriver(search_cfg, work_dir)
    runner = TrialRunner(search_cfg, load_script('tools/train.py'),
                         work_dir)
    driver.run_worker(runner, n_trials, worker_index=index, poll_s=0.5)
    os._exit(0)


@pytest.fixture
def fork():
    """Starts forked workers; any still alive at teardown (a failed
    ``join(timeout)``) is killed, so none outlives its test."""
    procs = []

    def start(*args):
        proc = mp.get_context('fork').Process(target=_worker, args=args)
        proc.start()
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.is_alive():
            proc.kill()
            proc.join()


def _study(search_cfg, work_dir):
    return StudyDriver(search_cfg, work_dir).load_study()


@pytest.mark.slow
def test_failed_trial_is_recorded_and_the_study_goes_on(tmp_path,
                                                        data_root):
    broken = dict(model='Broken', num_segments=2, lr=LR)
    search_cfg, work_dir = _setup(tmp_path, data_root, 2, [broken])
    driver = StudyDriver(search_cfg, work_dir)
    runner = TrialRunner(search_cfg, load_script('tools/train.py'),
                         work_dir)
    assert driver.run_worker(runner, 2, poll_s=0.1) == 2
    trials = driver.load_study().get_trials()
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.COMPLETE]
    assert 'NoSuchBackbone' in trials[0].user_attrs['error']
    assert 'Traceback' in trials[0].user_attrs['traceback']
    assert all(counted(t) for t in trials)
    # the target is reached: another worker runs nothing
    assert driver.run_worker(runner, 2, poll_s=0.1) == 0


@pytest.mark.slow
def test_stale_running_trial_is_failed_and_retried(tmp_path, data_root):
    search_cfg, work_dir = _setup(tmp_path, data_root, 3)
    driver = StudyDriver(search_cfg, work_dir)
    study = driver.load_study()
    trial = study.ask()
    search_cfg.search_space.sample(trial)
    params = study.trials[0].params
    # a fresh heartbeat: not stale
    driver.storage.set_trial_system_attr(trial._trial_id, HEARTBEAT_ATTR,
                                         time.time())
    assert driver.fail_stale_trials(study) == []
    # no heartbeat for longer than grace_period (10 s): failed + retried
    driver.storage.set_trial_system_attr(trial._trial_id, HEARTBEAT_ATTR,
                                         time.time() - 30)
    assert driver.fail_stale_trials(study) == [0]
    assert driver.fail_stale_trials(study) == []  # only once
    old, retry = study.get_trials()
    assert old.state == TrialState.FAIL and not counted(old)
    assert old.user_attrs['interrupted'] is True
    assert 'no heartbeat' in old.user_attrs['error']
    assert retry.state == TrialState.WAITING
    assert retry.user_attrs == dict(retry_of=0, retries=1)
    # the retry runs the same params
    assert dict(search_cfg.search_space.sample(study.ask())) == params


def test_worker_outlives_its_trial_failed_as_stale(tmp_path, data_root):
    """A worker whose heartbeats were late finds its trial failed by
    another worker: its result is dropped with a warning, the worker goes
    on, and the retry is the one that counts."""
    search_cfg, work_dir = _setup(tmp_path, data_root, 2)
    driver = StudyDriver(search_cfg, work_dir)
    study = driver.load_study()
    trial = study.ask()
    search_cfg.search_space.sample(trial)

    def late_runner(t):  # the other worker fails it meanwhile
        deadline = time.time() + 30  # after this worker's first beat
        while HEARTBEAT_ATTR not in driver.storage.get_trial(
                t._trial_id).system_attrs and time.time() < deadline:
            time.sleep(0.05)
        driver.storage.set_trial_system_attr(t._trial_id, HEARTBEAT_ATTR,
                                             time.time() - 30)
        assert driver.fail_stale_trials(study) == [t.number]
        return 0.5

    driver.heartbeat_interval = 3600  # one beat at the start, then none
    with pytest.warns(UserWarning, match='set to FAIL by another worker'):
        driver._run_one(study, trial, late_runner)
    old, retry = study.get_trials()
    assert old.state == TrialState.FAIL and old.value is None
    assert retry.state == TrialState.WAITING
    assert retry.user_attrs['retry_of'] == old.number


@pytest.mark.slow
def test_resume_after_kill(tmp_path, data_root, fork):
    search_cfg, work_dir = _setup(tmp_path, data_root, 3)
    study = _study(search_cfg, work_dir)
    proc = fork(search_cfg, work_dir, 3, 0)
    # kill the worker while its second trial runs (sampled: a trial is
    # RUNNING from `ask()` on, and its parameters are stored one by one
    # while the space is sampled, so wait until all of them are there)
    deadline = time.time() + 120
    while time.time() < deadline:
        trials = study.get_trials(deepcopy=False)
        states = [t.state for t in trials]
        if states[:1] == [TrialState.COMPLETE] and states[1:] == [
                TrialState.RUNNING] and set(trials[1].params) == set(
                    trials[0].params):
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f'no second running trial: {states}')
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    before = study.get_trials()
    first_done = before[0].datetime_complete

    # restart: the killed trial is failed (heartbeat stale) and retried
    proc = fork(search_cfg, work_dir, 3, 0)
    proc.join(timeout=180)
    assert proc.exitcode == 0
    trials = study.get_trials()
    states = [t.state for t in trials]
    assert states.count(TrialState.COMPLETE) == 3
    assert sum(counted(t) for t in trials) == 3
    killed = trials[1]
    assert killed.state == TrialState.FAIL
    assert killed.user_attrs['interrupted'] is True
    retries = [t for t in trials if t.user_attrs.get('retry_of') == 1]
    assert len(retries) == 1 and retries[0].state == TrialState.COMPLETE
    assert retries[0].params == killed.params
    # the trial finished before the kill was not run again
    assert trials[0].datetime_complete == first_done
    assert len(os.listdir(os.path.join(work_dir, 'trial_0000'))) == len(
        os.listdir(os.path.join(work_dir, f'trial_{retries[0].number:04d}')))
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert len({t.number for t in complete}) == 3


@pytest.mark.slow
def test_two_workers_share_one_sqlite_study(tmp_path, data_root, fork):
    search_cfg, work_dir = _setup(tmp_path, data_root, 4)
    _study(search_cfg, work_dir)  # created once, like the launcher does
    procs = [fork(search_cfg, work_dir, 4, i) for i in range(2)]
    for proc in procs:
        proc.join(timeout=240)
        assert proc.exitcode == 0
    study = optuna.load_study(study_name='tiny_search',
                              storage=build_storage(None, work_dir))
    trials = study.get_trials()
    # exactly the target, no trial started twice or twice over
    assert len(trials) == 4
    assert all(t.state == TrialState.COMPLETE for t in trials)
    workers = {t.user_attrs[WORKER_ATTR] for t in trials}
    assert len(workers) == 2  # both processes ran trials
    for t in trials:  # one Runner run (one timestamped log dir) per trial
        runs = [
            d for d in os.listdir(t.user_attrs['work_dir'])
            if d[:8].isdigit()
        ]
        assert len(runs) == 1, (t.number, runs)


@pytest.mark.slow
def test_journal_file_storage(tmp_path, data_root):
    search_cfg, work_dir = _setup(tmp_path, data_root, 2)
    path = tmp_path / 'journal.log'
    driver = StudyDriver(search_cfg, work_dir, storage=f'journal:{path}')
    study = driver.load_study()
    trial = study.ask()
    search_cfg.search_space.sample(trial)
    driver.storage.set_trial_system_attr(trial._trial_id, HEARTBEAT_ATTR,
                                         time.time() - 30)
    assert driver.fail_stale_trials(study) == [0]
    # a second process (here: a second storage object) sees the same study
    other = StudyDriver(search_cfg, work_dir, storage=f'journal:{path}')
    trials = other.load_study().get_trials()
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.WAITING]
    assert path.stat().st_size > 0
