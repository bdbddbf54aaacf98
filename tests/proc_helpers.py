# Copyright (c) OpenMMLab. All rights reserved.
"""Running the tools as subprocesses without letting a hang outlive a test.

``subprocess.run(..., capture_output=True, timeout=T)`` kills only the
direct child when ``T`` runs out and then waits for the output pipes to
close. The launchers start process trees (``dist_train.sh`` -> torchrun ->
ranks, ``tools/search.py`` -> workers, ``--nproc`` pools), and a grandchild
that hangs keeps those pipes open, so the wait never ends. :func:`run`
starts the command in its own session and kills the whole group instead.
"""
import os
import signal
import subprocess


def run(cmd, *, timeout: float, **kwargs) -> subprocess.CompletedProcess:
    """``subprocess.run`` with captured text output and a group-wide
    timeout.

    Args:
        cmd (list[str] | str): The command (a string with ``shell=True``).
        timeout (float): Seconds before the command's process group is
            killed; the test then fails with the output so far.
        **kwargs: ``cwd``, ``env``, ``shell``, ``executable``.

    Returns:
        subprocess.CompletedProcess: With ``stdout``/``stderr`` as text.
    """
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, errors='replace',
                          start_new_session=True, **kwargs) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            try:
                out, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired as e:  # left its group
                out, err = (_text(e.stdout), _text(e.stderr))
            raise AssertionError(
                f'{cmd} did not finish in {timeout} s (its process group was '
                f'killed); output:\n{(out + err)[-5000:]}') from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _text(data) -> str:
    if data is None:
        return ''
    return data.decode(errors='replace') if isinstance(data, bytes) else data
