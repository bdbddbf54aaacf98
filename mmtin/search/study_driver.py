# Copyright (c) OpenMMLab. All rights reserved.
import fcntl
import os
import os.path as osp
import signal
import subprocess
import sys
import threading
import time
import traceback
import warnings
from contextlib import contextmanager
from typing import List, Optional

import optuna
from optuna.trial import TrialState

from .search_config import build_from_spec

HEARTBEAT_ATTR = 'mmtin:heartbeat'
WORKER_ATTR = 'mmtin:worker'


def build_storage(url: Optional[str], work_dir: str):
    """The Optuna storage of ``url``.

    Args:
        url (str, optional): None: an SQLite file ``<work_dir>/study.db``;
            ``journal:PATH`` or a path ending in ``.log``/``.journal``:
            Optuna's ``JournalStorage`` on a file (lockable on a shared file
            system); anything else: an SQLAlchemy URL (``sqlite:///x.db``,
            ``postgresql://...``, ``mysql+pymysql://...``).
        work_dir (str): The study's work dir.

    Returns:
        optuna.storages.BaseStorage: The storage.
    """
    if url is None:
        url = f'sqlite:///{osp.abspath(osp.join(work_dir, "study.db"))}'
    if url.startswith('journal:') or url.endswith(('.log', '.journal')):
        from optuna.storages import JournalStorage
        from optuna.storages.journal import (JournalFileBackend,
                                             JournalFileOpenLock)
        path = url[len('journal:'):] if url.startswith('journal:') else url
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
        return JournalStorage(
            JournalFileBackend(path, lock_obj=JournalFileOpenLock(path)))
    engine_kwargs = None
    if url.startswith('sqlite'):
        # several worker processes write one file: wait for its lock
        engine_kwargs = dict(connect_args=dict(timeout=120))
    return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs)


def counted(trial) -> bool:
    """Whether a finished trial counts towards ``n_trials``.

    COMPLETE, PRUNED and FAIL count; a FAIL of an interrupted (killed)
    trial does not (it is retried as a new trial).
    """
    if trial.state in (TrialState.COMPLETE, TrialState.PRUNED):
        return True
    return (trial.state == TrialState.FAIL
            and not trial.user_attrs.get('interrupted', False))


class StudyDriver:
    """Create/load a study and run trials from one or several processes.

    Args:
        search_cfg (ConfigDict): From
            :func:`mmtin.search.load_search_config`.
        work_dir (str): The study's work dir (trial dirs, reports, default
            SQLite storage, the lock file that serialises ``ask``).
        storage (str, optional): See :func:`build_storage`. Default: None.
        study_name (str, optional): Default: the search config's name.
    """

    def __init__(self,
                 search_cfg,
                 work_dir: str,
                 storage: Optional[str] = None,
                 study_name: Optional[str] = None) -> None:
        self.search_cfg = search_cfg
        self.work_dir = work_dir
        os.makedirs(work_dir, exist_ok=True)
        self.storage_url = storage
        self.storage = build_storage(storage, work_dir)
        self.study_name = study_name or osp.splitext(
            osp.basename(search_cfg.filename))[0]
        hb = search_cfg.heartbeat
        self.heartbeat_interval = hb['interval']
        self.grace_period = hb['grace_period']

    # ------------------------------------------------------------- study
    def load_study(self, worker_index: int = 0) -> optuna.Study:
        """Create the study if needed (and enqueue the fixed trials)."""
        cfg = self.search_cfg
        sampler_spec = dict(cfg.sampler)
        if sampler_spec.get('seed') is not None:
            sampler_spec['seed'] = sampler_spec['seed'] + worker_index
        with self._lock():
            study = optuna.create_study(
                storage=self.storage,
                study_name=self.study_name,
                direction=cfg.direction,
                sampler=build_from_spec(sampler_spec, optuna.samplers),
                pruner=build_from_spec(cfg.pruner, optuna.pruners) or
                optuna.pruners.NopPruner(),
                load_if_exists=True)
            if not study.user_attrs.get('mmtin:enqueued'):
                for params in cfg.enqueue:
                    study.enqueue_trial(params, skip_if_exists=True)
                study.set_user_attr('mmtin:enqueued', True)
                study.set_user_attr('metric', cfg.metric)
                study.set_user_attr('search_config', cfg.filename)
        return study

    @contextmanager
    def _lock(self):
        """A file lock serialising ask/count among this machine's workers."""
        with open(osp.join(self.work_dir, '.search.lock'), 'a') as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def fail_stale_trials(self, study: optuna.Study) -> List[int]:
        """Fail RUNNING trials without a recent heartbeat; retry them.

        A trial whose worker was killed stays RUNNING in the storage. Once
        its heartbeat is older than ``grace_period`` it is set to FAIL with
        ``user_attrs`` ``interrupted=True`` and an ``error``, and (up to
        ``max_retries`` times) its parameters are enqueued again.

        Returns:
            list[int]: Numbers of the trials failed here.
        """
        now = time.time()
        failed = []
        for t in study.get_trials(deepcopy=False,
                                  states=(TrialState.RUNNING, )):
            beat = t.system_attrs.get(HEARTBEAT_ATTR)
            if beat is None:
                beat = t.datetime_start.timestamp()
            if now - beat <= self.grace_period:
                continue
            tid = t._trial_id
            try:
                self.storage.set_trial_user_attr(tid, 'interrupted', True)
                self.storage.set_trial_user_attr(
                    tid, 'error', f'interrupted: no heartbeat for '
                    f'{now - beat:.0f} s (worker killed?)')
                if not self.storage.set_trial_state_values(
                        tid, state=TrialState.FAIL):
                    continue
            except optuna.exceptions.UpdateFinishedTrialError:
                continue  # another worker got there first
            failed.append(t.number)
            retries = t.user_attrs.get('retries', 0)
            if retries < self.search_cfg.max_retries:
                study.enqueue_trial(
                    t.params,
                    user_attrs=dict(retry_of=t.number, retries=retries + 1))
        return failed

    def progress(self, study: optuna.Study) -> dict:
        """Counts of the study's trials (``done`` = counted ones)."""
        trials = study.get_trials(deepcopy=False)
        out = dict(done=sum(counted(t) for t in trials))
        for state in TrialState:
            out[state.name.lower()] = sum(t.state == state for t in trials)
        return out

    # ------------------------------------------------------------ worker
    def run_worker(self,
                   trial_runner,
                   n_trials: int,
                   worker_index: int = 0,
                   poll_s: float = 2.0) -> int:
        """Run trials until the study has ``n_trials`` counted trials.

        ``ask`` happens under a file lock after counting, so the workers of
        one machine never start more trials than needed. A worker exits
        when enough trials are counted and none is RUNNING or WAITING (it
        waits for RUNNING ones, so a killed worker's trial is failed and
        retried once its heartbeat is stale).

        Args:
            trial_runner (callable): ``trial -> value`` (a TrialRunner).
            n_trials (int): Target number of counted trials.
            worker_index (int): Offsets the sampler seed. Default: 0.
            poll_s (float): Wait between checks. Default: 2.0.

        Returns:
            int: Number of trials this worker ran.
        """
        study = self.load_study(worker_index)
        ran = 0
        while True:
            with self._lock():
                self.fail_stale_trials(study)
                trials = study.get_trials(deepcopy=False)
                waiting = any(t.state == TrialState.WAITING for t in trials)
                running = sum(t.state == TrialState.RUNNING for t in trials)
                done = sum(counted(t) for t in trials)
                trial = None
                if waiting or done + running < n_trials:
                    trial = study.ask()
                    trial.set_user_attr(WORKER_ATTR,
                                        f'{os.uname()[1]}:{os.getpid()}')
                elif running == 0:
                    return ran
            if trial is None:
                time.sleep(poll_s)
                continue
            self._run_one(study, trial, trial_runner)
            ran += 1

    def _run_one(self, study, trial, trial_runner) -> None:
        stop = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat, args=(trial._trial_id, stop),
            daemon=True)
        beat.start()
        try:
            value = trial_runner(trial)
        except optuna.TrialPruned as e:
            trial.set_user_attr('note', str(e))
            self._tell(study, trial, state=TrialState.PRUNED)
        except KeyboardInterrupt:
            trial.set_user_attr('interrupted', True)
            trial.set_user_attr('error', 'interrupted: worker stopped')
            if self._tell(study, trial, state=TrialState.FAIL):
                retries = trial.user_attrs.get('retries', 0)
                if retries < self.search_cfg.max_retries:
                    study.enqueue_trial(
                        trial.params,
                        user_attrs=dict(
                            retry_of=trial.number, retries=retries + 1))
            raise
        except Exception as e:  # failure isolation: record, go on
            trial.set_user_attr('error', f'{type(e).__name__}: {e}'[:1000])
            trial.set_user_attr('traceback', traceback.format_exc()[-4000:])
            self._tell(study, trial, state=TrialState.FAIL)
        else:
            self._tell(study, trial, value)
        finally:
            stop.set()
            beat.join()

    def _tell(self, study, trial, value=None, state=None) -> bool:
        """``study.tell`` unless the trial was finished meanwhile.

        A worker whose heartbeats were late (a loaded machine, a locked
        database) can find its trial failed as stale by another worker,
        which has queued a retry already: the result is dropped with a
        warning instead of ending the worker.

        Returns:
            bool: Whether the result was stored.
        """
        stored = study._storage.get_trial(trial._trial_id).state
        if stored.is_finished():
            warnings.warn(
                f'trial {trial.number} was set to {stored.name} by another '
                f'worker (no heartbeat for grace_period='
                f'{self.grace_period} s); its result is dropped, its retry '
                'runs the same parameters')
            return False
        try:
            study.tell(trial, value, state=state)
        except optuna.exceptions.UpdateFinishedTrialError:
            return False
        except ValueError as e:  # optuna: 'Cannot tell a FAIL trial.'
            if 'Cannot tell' not in str(e):
                raise
            return False
        return True

    def _heartbeat(self, trial_id: int, stop: threading.Event) -> None:
        while True:
            try:
                self.storage.set_trial_system_attr(trial_id, HEARTBEAT_ATTR,
                                                   time.time())
            except Exception:  # finished meanwhile, or a busy database
                pass
            if stop.wait(self.heartbeat_interval):
                return

    # ------------------------------------------------------------ launch
    def launch(self,
               worker_cmd: List[str],
               n_trials: int,
               workers: int = 1,
               progress: bool = True,
               poll_s: float = 2.0) -> int:
        """Run ``workers`` worker processes and show a progress bar.

        Args:
            worker_cmd (list[str]): Command that runs one worker; `` --worker
                I`` and ``--threads T`` are appended.
            n_trials (int): Target number of counted trials.
            workers (int): Number of worker processes. Default: 1.
            progress (bool): Show a tqdm bar. Default: True.
            poll_s (float): Progress refresh interval. Default: 2.0.

        Returns:
            int: 0 if every worker exited cleanly, else the first non-zero
            exit code.
        """
        study = self.load_study()
        threads = max(1, (os.cpu_count() or 1) // workers)
        env = dict(os.environ, OMP_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads))
        procs = []
        for i in range(workers):
            cmd = list(worker_cmd) + [
                '--worker', str(i), '--threads', str(threads)]
            log = open(osp.join(self.work_dir, f'worker_{i}.log'), 'a')
            procs.append((subprocess.Popen(
                cmd, env=env, stdout=log, stderr=subprocess.STDOUT), log))
        bar = None
        if progress:
            from tqdm import tqdm
            bar = tqdm(total=n_trials, desc='trials', unit='trial',
                       file=sys.stderr, dynamic_ncols=True,
                       mininterval=0, miniters=1)
        shown = None
        try:
            while True:
                alive = [p for p, _ in procs if p.poll() is None]
                counts = self.progress(study)
                key = (counts['done'], counts['running'], counts['pruned'],
                       counts['fail'])
                if bar is not None and key != shown:  # redraw on change
                    shown = key
                    bar.n = min(counts['done'], n_trials)
                    bar.set_postfix(running=counts['running'],
                                    pruned=counts['pruned'],
                                    failed=counts['fail'], refresh=False)
                    bar.refresh()
                if not alive:
                    break
                time.sleep(poll_s)
        except KeyboardInterrupt:
            for p, _ in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p, _ in procs:
                p.wait()
            raise
        finally:
            if bar is not None:
                bar.close()
            for _, log in procs:
                log.close()
        codes = [p.returncode for p, _ in procs]
        return next((c for c in codes if c), 0)
