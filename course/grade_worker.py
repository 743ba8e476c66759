"""Grade submissions, each in a folder of its own: ``python -m course.grade_worker``
reads task files' paths from its standard input, one per line, and answers each with a
line: ``done`` or ``error``.

Run as a separate process by :mod:`course.grader_process`, so that a submission
that hangs or crashes the grader harms only its own grade. The steps:

1. read the file; a file that is not a notebook, or not this lesson's, is
   *rejected* with a message that says what to submit instead;
2. recover the work of a damaged notebook (:mod:`course.recover_cells`);
3. ``nbgrader autograde`` it against a private copy of the gradebook of its
   edition (the task's ``language``, :mod:`course.submission_edition`), in a
   sandboxed kernel (:mod:`course.sandbox`), the hidden tests seeded for this
   student only (:mod:`course.hidden_seed`);
4. judge again, in this process, the evidence each hidden test saved
   (:mod:`course.evidence`): a test that passed in the student's kernel but
   whose evidence is missing or wrong scores 0;
5. rewrite the test cells so feedback shows no hidden test, render it;
6. write the result as JSON, atomically (the file exists only when complete).

Everything the student reads (self-checks, verdicts, notes, rejections, the
feedback page) is in the submission's language: the worker speaks it
(:func:`utils.i18n.set_language`) and so does the kernel (``COURSE_LANGUAGE``).

A result's ``status`` says whose the outcome is: ``graded`` (the student's
code decided), ``rejected`` (the file cannot be graded as this lesson), or
``error`` (the grading itself failed; the student is not at fault, the log
in ``logs/`` says why).
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

import nbformat
import numpy as np
from nbgrader.api import Gradebook

from course import evidence, feedback, kernel_limits
from course.hidden_seed import exercise_seed
from course.lessons import REPO_ROOT, judge_module, notebook_name
from course.nbgrader_runner import make_api
from course.nbgrader_settings import COURSE_ID
from course.recover_cells import committed_releases, recover
from course.release import hidden_test_lines
from course.judges import judges_of
from course.submission_file import read_notebook
from course.translation import source_notebook
from grader_tests.exercise import CheckFailed
from utils.i18n import ENGLISH, _, set_language

JAIL_BYTES = 128 * 2**20  # what the kernel may write outside its memory: evidence and sockets


def grader_fault():
    """What a student is told when the grading failed, not their work (in the language of the moment)."""
    return _("Your notebook could not be graded because the grading system failed, not because of "
             "your work. Your instructor has the details and will grade it again.")


def write_json_atomically(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def file_digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def grade_cells(db_url, lesson):
    """``[(grade_id, max points)]`` of the lesson's graded cells, in notebook order."""
    with Gradebook(db_url, COURSE_ID) as gb:
        notebook = gb.find_notebook(lesson, lesson)
        return [(cell.name, cell.max_score) for cell in notebook.grade_cells]


def kernel_errors(nb):
    """grade_id -> the one-line error the kernel reported in that test cell."""
    errors = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        for output in cell.get("outputs", []):
            if output.output_type == "error" and grade_id:
                errors[grade_id] = friendly_error(output.ename, feedback.plain(output.evalue))
    return errors


def friendly_error(ename, evalue):
    if ename in ("CheckFailed", "AssertionError"):
        return evalue
    if ename == "NameError":
        return _("{error}. An earlier cell failed, was not run, or was deleted: fix the first error above.").format(
            error=evalue)
    if ename in ("CellTimeoutError", "KernelDied"):
        return evalue or _("this cell ran longer than the time limit (an endless loop, or training far too long?).")
    if ename == "DeadKernelError":
        return _("the Python kernel died while running this cell (it crashed or ran out of memory).")
    return f"{ename}: {evalue}"


def rejudge(lesson, evidence_dir, seed, cell_ids):
    """grade_id -> None when the saved evidence passes the trusted judge, else why not."""
    exercises = judges_of(judge_module(lesson))
    verdicts = {}
    for grade_id in cell_ids:
        exercise = exercises.get(grade_id.removeprefix("test_"))
        if exercise is None:
            verdicts[grade_id] = None
            continue
        path, forged = Path(evidence_dir) / f"{exercise.key}.npz", Path(evidence_dir) / f"{exercise.key}.forged"
        if forged.exists():
            verdicts[grade_id] = _("the hidden tests' results were tampered with ({reason}).").format(
                reason=forged.read_text())
            continue
        if not os.path.lexists(path):
            verdicts[grade_id] = _("the hidden tests did not run to the end in your notebook.")
            continue
        try:
            saved = evidence.load(path)
            exercise.judge(exercise.inputs(np.random.default_rng(exercise_seed(seed, exercise.key))), saved)
            verdicts[grade_id] = None
        except evidence.BadEvidence as error:
            verdicts[grade_id] = _("the hidden tests' results were tampered with ({reason}).").format(reason=error)
        except CheckFailed as failure:
            verdicts[grade_id] = str(failure)
        except Exception as error:
            verdicts[grade_id] = _("the saved results could not be checked ({error}).").format(
                error=type(error).__name__)
    return verdicts


SUBMISSION_FACTS = ("lms_id", "late", "submitted_at")  # what the download's layout said, kept in the result


def new_result(task, cells):
    return {"student": task["student"], "lesson": task["lesson"], "language": task["language"],
            "status": "graded", "message": "",
            "source_name": task.get("source_name", Path(task["notebook"]).name),
            "submitted_as": task.get("submitted_as", task["student"]),
            **{key: task[key] for key in SUBMISSION_FACTS if key in task},
            "sha256": file_digest(task["notebook"]), "notes": [],
            "cells": [{"id": grade_id, "exercise": grade_id.removeprefix("test_"), "score": 0.0, "max": points,
                       "message": ""} for grade_id, points in cells]}


def read_submission(path, lesson, release, language=ENGLISH):
    """``(notebook, notes, None)`` ready to grade, or ``(None, [], why it is rejected)``.

    ``release`` is the lesson's release in the submission's edition ``language``.
    """
    nb, rejection = read_notebook(path)
    if rejection:
        return None, [], rejection
    return recover(nb, release, lesson, committed_releases(language))


def grade(task):
    started = time.monotonic()
    student, lesson, language = task["student"], task["lesson"], task["language"]
    set_language(language)
    work = Path(task["workdir"])
    shutil.rmtree(work, ignore_errors=True)
    submitted = work / "submitted" / student / lesson / notebook_name(lesson)
    submitted.parent.mkdir(parents=True)
    db_path = work / "gradebook.db"
    shutil.copy(task["template_db"], db_path)
    db_url = f"sqlite:///{db_path}"
    cells = grade_cells(db_url, lesson)
    result = new_result(task, cells)
    release = nbformat.read(task["release_notebook"], as_version=4)
    nb, notes, rejection = read_submission(task["notebook"], lesson, release, language)
    result["notes"] = notes
    if rejection:
        result.update(status="rejected", message=rejection)
    else:
        nbformat.write(nb, submitted)
        try:
            result.update(autograde(task, work, db_url, cells, notes, release))
        except Exception:
            Path(task["log"]).parent.mkdir(parents=True, exist_ok=True)
            with open(task["log"], "a") as log:
                log.write(traceback.format_exc())
            result.update(status="error", message=grader_fault())

    result["score"] = sum(c["score"] for c in result["cells"])
    result["max_score"] = sum(c["max"] for c in result["cells"])
    result["seconds"] = round(time.monotonic() - started, 1)
    if result["status"] != "graded":
        for c in result["cells"]:
            c["score"], c["message"] = 0.0, result["message"]
        result["score"] = 0.0
        Path(task["feedback"]).parent.mkdir(parents=True, exist_ok=True)
        Path(task["feedback"]).write_text(feedback.failure_page(student, lesson, result["message"], result["cells"]))
    write_json_atomically(task["result"], result)
    return result


@contextmanager
def jail_folder():
    """A short-named folder for what the kernel writes to the grader (evidence, sockets).

    As root it is a size-limited in-memory file system of its own, so a kernel
    that writes without end fills only that; otherwise a plain folder, where
    only the per-file size limit applies.
    """
    folder = Path(tempfile.mkdtemp(prefix="cj-"))  # short: Unix socket paths are limited
    mounted = kernel_limits.running_as_root() and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={JAIL_BYTES},mode=0755", "course-jail", str(folder)],
        capture_output=True).returncode == 0
    try:
        yield folder
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def autograde(task, work, db_url, cells, notes, release):
    """Run nbgrader, re-judge, write feedback; return the result fields it decides.

    ``release`` is the lesson's release in the submission's edition: the feedback keeps its cells' text.
    """
    student, lesson = task["student"], task["lesson"]
    with jail_folder() as jail:
        evidence_dir, runtime, sealed = jail / "evidence", jail / "kernel", jail / "sealed"
        evidence_dir.mkdir()
        runtime.mkdir()
        sealed.mkdir(mode=0o700)
        os.environ.update({"COURSE_EVIDENCE_DIR": str(evidence_dir), "JUPYTER_RUNTIME_DIR": str(runtime),
                           "COURSE_LANGUAGE": task["language"]})
        os.environ.pop("COURSE_GRADING_SEED", None)
        kernel_folder = work / "submitted" / student / lesson
        sandbox = {"evidence_dir": evidence_dir, "sealed_dir": sealed,
                   "hidden": [REPO_ROOT / "solutions", *task["hidden"]], "readable": [],
                   "writable": [evidence_dir, runtime], "workdir": kernel_folder,
                   "memory_limit_gb": task["limits"]["memory_gb"], "sandboxed": task.get("sandboxed", True)}
        api = make_api(work, db_url, sandbox=sandbox, cell_timeout=task["limits"]["cell_seconds"],
                       seed=task["seed"])
        outcome = api.autograde(lesson, student, force=True, create=True)
        Path(task["log"]).parent.mkdir(parents=True, exist_ok=True)
        Path(task["log"]).write_text(outcome.get("log", ""))
        autograded = work / "autograded" / student / lesson / notebook_name(lesson)
        if not outcome.get("success") or not autograded.is_file():
            return {"status": "error", "message": grader_fault()}
        trusted = rejudge(lesson, sealed, task["seed"], [grade_id for grade_id, _ in cells])

    nb = nbformat.read(autograded, as_version=4)
    errors = kernel_errors(nb)
    verdicts, fields = {}, []
    with Gradebook(db_url, COURSE_ID) as gb:
        submission = gb.find_submission_notebook(lesson, lesson, student)
        scores = {grade.name: grade for grade in submission.grades}
        for grade_id, points in cells:
            grade = scores[grade_id]
            message = errors.get(grade_id)
            if message is None and (grade.auto_score or 0) > 0 and trusted[grade_id] is not None:
                message = trusted[grade_id]
                grade.auto_score = 0.0
            if message is None and not grade.auto_score:
                message = _("no points (the test cell did not complete).")
            verdicts[grade_id] = message
            fields.append({"id": grade_id, "exercise": grade_id.removeprefix("test_"),
                           "score": float(grade.auto_score or 0), "max": points, "message": message or ""})
        gb.db.commit()

    hidden = hidden_test_lines(source_notebook(lesson, task["language"]))
    nbformat.write(feedback.sanitize(nb, release, verdicts, hidden, notes), autograded)
    shutil.copy(autograded, Path(task["autograded_copy"]))
    make_api(work, db_url).generate_feedback(lesson, student, force=True)
    html = work / "feedback" / student / lesson / notebook_name(lesson).replace(".ipynb", ".html")
    Path(task["feedback"]).parent.mkdir(parents=True, exist_ok=True)
    Path(task["feedback"]).write_text(feedback.finish_page(html.read_text(), feedback.exercise_titles(release)))
    return {"cells": fields}


def die_with_parent():
    """Ask Linux to kill this worker if the grading run that started it dies, so that a
    stopped run leaves no worker behind to write a result while the next run grades."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent was already gone
            raise SystemExit(1)


def serve():
    """Grade the task of each line of standard input, answering on standard output;
    anything else printed (nbgrader, TensorFlow) goes to standard error."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    for line in sys.stdin:
        try:
            grade(json.loads(Path(line.strip()).read_text()))
            answers.write("done\n")
        except Exception:
            traceback.print_exc()
            answers.write("error\n")


def main():
    die_with_parent()
    serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
