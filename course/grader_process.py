"""Long-lived grader processes: one per grading thread, each grading many submissions.

Starting a process per submission cost about 5 s of CPU each time (nbgrader's
imports, then TensorFlow's for re-judging the evidence), as much as grading a
short notebook. A :class:`GraderProcess` pays it once and then grades one task
after another (``python -m course.grade_worker``). Submissions stay
apart all the same: each one runs in a kernel of its own, in its own sandbox
and folder, and the grader process never runs student code itself.

A grader process that overruns a notebook's time limit, or dies, is killed with
everything it started; the next task gets a fresh one. It also dies with the
thread that started it (``PR_SET_PDEATHSIG``), so a stopped run leaves nothing
behind, and exits when its standard input closes.
"""
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

from course.lessons import REPO_ROOT

# What became of a task: the grader answered that it is done, or that it failed on it; it ran
# over the time limit (and was killed); or it died.
DONE, FAILED, TIMEOUT, DIED = "done", "failed", "timeout", "died"

_local = threading.local()
_started = set()
_started_lock = threading.Lock()


@dataclass(frozen=True)
class Outcome:
    """What became of one task (:data:`DONE`, :data:`FAILED`, :data:`TIMEOUT` or :data:`DIED`), what the
    grader printed meanwhile, and its exit code when it died. The caller words it for whoever reads it."""

    what: str
    log: bytes
    exit_code: int | None = None


def kernel_variables(threads):
    """The variables a grader sets for the student kernels it starts (they inherit them): the course's
    packages on ``PYTHONPATH`` (pip-installed or not), plots to files, and ``threads`` threads for
    TensorFlow, so that parallel kernels share the cores. The preflight's kernel gets them too."""
    return {"PYTHONPATH": str(REPO_ROOT), "MPLBACKEND": "Agg",
            **{name: str(threads) for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS")}}


class GraderProcess:
    def __init__(self, threads):
        self.threads = threads
        self.log = tempfile.TemporaryFile()
        env = dict(os.environ, **kernel_variables(threads))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "course.grade_worker"], cwd=REPO_ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, start_new_session=True,
        )

    def alive(self):
        return self.process.poll() is None

    def run(self, task_file, seconds):
        """Grade the task in ``task_file`` within ``seconds``; return its :class:`Outcome`."""
        start = self.log.seek(0, os.SEEK_END)
        try:
            self.process.stdin.write(f"{task_file}\n".encode())
            self.process.stdin.flush()
            what = self._answer(seconds)
        except BrokenPipeError:
            what = DIED
        if what in (TIMEOUT, DIED):
            self.kill()
        self.log.seek(start)
        return Outcome(what, self.log.read(), self.process.returncode if what == DIED else None)

    def _answer(self, seconds):
        """:data:`DONE` or :data:`FAILED` as the grader's one-line answer says, :data:`TIMEOUT` after
        ``seconds``, :data:`DIED` when it is gone."""
        deadline = time.monotonic() + seconds
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stdout], [], [], left)[0]:
                return TIMEOUT
            chunk = os.read(self.process.stdout.fileno(), 256)
            if not chunk:
                return DIED
            line += chunk
        return DONE if line.decode().strip() == "done" else FAILED

    def kill(self):
        try:  # the grader and the sandboxes it started (they die with it)
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def hang_up(self):
        """Close its standard input: it exits once its current task is done."""
        if not self.process.stdin.closed:
            self.process.stdin.close()

    def close(self):
        if self.alive():
            self.hang_up()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def for_this_thread(threads):
    """This thread's grader process, started (again) when it is missing, dead or differently set."""
    current = getattr(_local, "grader", None)
    if current is not None and (not current.alive() or current.threads != threads):
        current.close()
        current = None
    if current is None:
        current = _local.grader = GraderProcess(threads)
        with _started_lock:
            _started.add(current)
    return current


def close_all():
    """Stop every grader process this process started (they are idle between runs)."""
    with _started_lock:
        graders = list(_started)
        _started.clear()
    for grader in graders:  # all at once: each takes a second or two to exit
        grader.hang_up()
    for grader in graders:
        grader.close()
