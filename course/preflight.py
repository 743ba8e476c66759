"""Before grading a class: prove on one tiny notebook that grading works on this machine.

A grading run that cannot start kernels, or whose kernels cannot import the
course, would give every student 0. :func:`run` starts one kernel exactly
as grading does (same sandbox, limits, environment and seed delivery), has it
import the course's packages and run one hidden check of lesson 01 on a
correct answer under the kernel's guard, then checks the evidence's signature
and judges it outside the kernel. Any failure
raises :class:`PreflightFailed` with what failed and how to fix it, before
anyone is graded.
"""
import atexit
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

from course import grader_process, sandbox
from course.hidden_seed import exercise_seed, seeded
from course.kernel_execute import seal

LESSON = "01_lambda_layers"
EXERCISE = "square_model"
SEED = 12345
IMPORTS = "import keras\nimport utils\nfrom grader_tests import lesson01\nprint('imports ok')"
CHECK = ("def make_square_model():\n"
         "    return keras.Sequential([keras.Input((1,)), keras.layers.Lambda(lambda x: x ** 2)])\n"
         "lesson01.square_model.check(make_square_model)")
_passed = set()


class PreflightFailed(RuntimeError):
    """Grading cannot work here; the message says what failed and what to do."""


def _closed_folders():
    """Folders on the way to this Python that other users may not enter (a kernel user is one)."""
    closed = set()
    for prefix in {sys.prefix, sys.base_prefix}:
        for folder in Path(prefix).resolve().parents:
            if not os.stat(folder).st_mode & 0o001:
                closed.add(str(folder))
    return sorted(closed)


def _fix_hint(sandboxed):
    if not sandboxed:
        closed = _closed_folders() if os.geteuid() == 0 else []
        if closed:
            return (f"Without the sandbox, kernels run as users of their own, who cannot enter {', '.join(closed)} "
                    "to reach this Python: install bubblewrap, or put the venv where every user may read it.")
        return "Run `python -m course grade` from the course's Python environment (the venv you installed into)."
    return ("The kernel runs in a bubblewrap sandbox that shows it only this Python's folders, the course's "
            "utils/ and grader_tests/ and Fashion-MNIST. Check that the venv you installed into is the Python "
            f"running this command ({sys.executable}), and that `bwrap` works here (try `bwrap --ro-bind / / true`).")


def _tail(log, lines=12):
    text = [line for line in log.read_text(errors="replace").splitlines()
            if line.strip() and not line.startswith(("I0000", "W0000", "E0000", "WARNING: All log"))]
    return "\n".join(f"    {line}" for line in text[-lines:]) or "    (nothing)"


def _first_error(nb):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                return f"{output.ename}: {output.evalue}"
    return None


def run(scratch, memory_limit_gb, sandboxed=True, hidden=()):
    """Raise :class:`PreflightFailed` unless a grading kernel works; once per process and setting."""
    if (sandboxed, memory_limit_gb) in _passed:
        return
    from course.grade_worker import jail_folder, rejudge

    folder = Path(tempfile.mkdtemp(prefix="preflight-", dir=scratch))
    try:
        with jail_folder() as jail:
            evidence_dir, runtime, sealed = jail / "evidence", jail / "kernel", jail / "sealed"
            for made in (evidence_dir, runtime, sealed):
                made.mkdir()
            config = Config()
            sandbox.configure_kernels(config, readable=[], writable=[evidence_dir, runtime], workdir=folder,
                                      hidden=hidden, memory_limit_gb=memory_limit_gb, sandboxed=sandboxed)
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(IMPORTS),
                                                 nbformat.v4.new_code_cell(seeded(CHECK, exercise_seed(SEED, EXERCISE)))])
            # The client owns its kernel manager, so it shuts the kernel down once the notebook has run.
            client = NotebookClient(nb, config=config, kernel_manager_class=sandbox.SandboxedKernelManager,
                                    kernel_name="python3", shutdown_kernel="immediate", timeout=180,
                                    allow_errors=True, resources={"metadata": {"path": str(folder)}})
            guard_key = client.create_kernel_manager().guard_key
            log = folder / "kernel.log"
            with _environment(evidence_dir, runtime), open(log, "wb") as kernel_output:
                try:
                    client.execute(stdout=kernel_output, stderr=kernel_output)
                except Exception as error:
                    raise PreflightFailed(f"a grading kernel did not start or died ({type(error).__name__}). "
                                          f"{_fix_hint(sandboxed)}\nThe kernel printed:\n{_tail(log)}") from None
                finally:  # nbclient cleans up once more at exit, and fails, when the kernel never started
                    atexit.unregister(client._cleanup_kernel)
            error = _first_error(nb)
            if error:
                raise PreflightFailed(f"a grading kernel could not run the course's code: {error}. "
                                      f"{_fix_hint(sandboxed)}")
            seal(evidence_dir, sealed, EXERCISE, guard_key, SEED)
            verdict = rejudge(LESSON, sealed, SEED, [f"test_{EXERCISE}"])[f"test_{EXERCISE}"]
            if verdict is not None:
                raise PreflightFailed(f"a correct answer failed a hidden check in a grading kernel: {verdict} "
                                      "Is Fashion-MNIST installed (apt-get install dataset-fashion-mnist)?")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _passed.add((sandboxed, memory_limit_gb))


@contextmanager
def _environment(evidence_dir, runtime):
    """The grader's variables that the kernel inherits, set for the preflight kernel only: those
    a grader process is started with (:func:`course.grader_process.kernel_variables`), then
    those it sets for each submission."""
    values = {**grader_process.kernel_variables(os.cpu_count() or 1), "COURSE_EVIDENCE_DIR": str(evidence_dir),
              "JUPYTER_RUNTIME_DIR": str(runtime), "NBGRADER_EXECUTION": "autograde"}
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
