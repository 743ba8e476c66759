"""Grade submissions, each in a folder of its own: ``python -m course.grade_worker``
reads task files' paths from its standard input, one per line, and answers each with a
line: ``done`` or ``error``.

Run as a separate process by :mod:`course.grader_process`, so that a submission
that hangs or crashes the grader harms only its own grade. The steps:

1. check the file is a notebook at all;
2. ``nbgrader autograde`` it against a private copy of the gradebook;
3. judge again, in this process, the evidence each hidden test saved
   (:meth:`grader_tests.exercise.Exercise.rejudge`): a test that passed in
   the student's kernel but whose evidence is missing or wrong scores 0;
4. rewrite the test cells so feedback shows no hidden test, render it;
5. write the result as JSON, atomically (the file exists only when complete).
"""
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from course import feedback
from course.lessons import REPO_ROOT, grader_module, notebook_name
from course.nbgrader_runner import make_api
from course.nbgrader_settings import COURSE_ID
from grader_tests.exercise import CheckFailed, exercises_of


def write_json_atomically(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


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
        return f"{evalue}. An earlier cell failed, was not run, or was deleted: fix the first error above."
    if ename == "CellTimeoutError":
        return "this cell ran longer than the time limit (an endless loop, or training far too long?)."
    if ename in ("DeadKernelError", "KernelDied"):
        return "the Python kernel died while running this cell (it crashed or ran out of memory)."
    return f"{ename}: {evalue}"


def rejudge(lesson, evidence_dir, seed, cell_ids):
    """grade_id -> None when the saved evidence passes the trusted judge, else why not."""
    exercises = exercises_of(grader_module(lesson))
    verdicts = {}
    for grade_id in cell_ids:
        exercise = exercises.get(grade_id.removeprefix("test_"))
        evidence = Path(evidence_dir) / f"{grade_id.removeprefix('test_')}.npz"
        if exercise is None:
            verdicts[grade_id] = None
        elif not evidence.is_file():
            verdicts[grade_id] = "the hidden tests did not run to the end in your notebook."
        else:
            try:
                exercise.rejudge(evidence, seed)
                verdicts[grade_id] = None
            except CheckFailed as failure:
                verdicts[grade_id] = str(failure)
            except Exception as error:
                verdicts[grade_id] = f"the saved results could not be checked ({type(error).__name__})."
    return verdicts


def grade(task):
    started = time.monotonic()
    student, lesson = task["student"], task["lesson"]
    work = Path(task["workdir"])
    shutil.rmtree(work, ignore_errors=True)
    submitted = work / "submitted" / student / lesson / notebook_name(lesson)
    submitted.parent.mkdir(parents=True)
    db_path = work / "gradebook.db"
    shutil.copy(task["template_db"], db_path)
    db_url = f"sqlite:///{db_path}"
    cells = grade_cells(db_url, lesson)
    result = {"student": student, "lesson": lesson, "status": "graded", "message": "",
              "cells": [{"id": grade_id, "exercise": grade_id.removeprefix("test_"), "score": 0.0, "max": points,
                         "message": ""} for grade_id, points in cells]}

    try:
        nb = nbformat.read(task["notebook"], as_version=4)
        nbformat.validate(nb)
    except Exception as error:
        result["status"] = "invalid"
        result["message"] = (f"the file is not a valid Jupyter notebook ({type(error).__name__}: "
                             f"{str(error).splitlines()[0] if str(error) else 'empty file'}). "
                             "Save it from Jupyter or Colab (File > Download .ipynb) and submit it again.")
    else:
        nbformat.write(nb, submitted)
        result.update(autograde(task, work, db_url, cells))

    result["score"] = sum(c["score"] for c in result["cells"])
    result["max_score"] = sum(c["max"] for c in result["cells"])
    result["seconds"] = round(time.monotonic() - started, 1)
    if result["status"] != "graded":
        for c in result["cells"]:
            c["message"] = c["message"] or result["message"]
        Path(task["feedback"]).parent.mkdir(parents=True, exist_ok=True)
        Path(task["feedback"]).write_text(feedback.failure_page(student, lesson, result["message"], result["cells"]))
    write_json_atomically(task["result"], result)
    return result


def autograde(task, work, db_url, cells):
    """Run nbgrader, re-judge, write feedback; return the result fields it decides."""
    student, lesson = task["student"], task["lesson"]
    evidence_dir = work / "evidence"
    # The rest of the kernel's environment is the grader process's own (course.grader_process).
    os.environ.update({"COURSE_GRADING_SEED": str(task["seed"]), "COURSE_EVIDENCE_DIR": str(evidence_dir)})
    kernel_folder = work / "submitted" / student / lesson
    evidence_dir.mkdir()
    with tempfile.TemporaryDirectory(prefix="kernel-") as runtime:  # short: Unix socket paths are limited
        os.environ["JUPYTER_RUNTIME_DIR"] = runtime
        sandbox = {"hidden": [REPO_ROOT, *task["hidden"]],
                   "readable": [REPO_ROOT / "utils", REPO_ROOT / "grader_tests",
                                *([sys.prefix] if Path(sys.prefix).is_relative_to(REPO_ROOT) else [])],
                   "writable": [kernel_folder, evidence_dir, runtime], "workdir": kernel_folder,
                   "memory_limit_gb": task["limits"]["memory_gb"]}
        api = make_api(work, db_url, sandbox=sandbox, cell_timeout=task["limits"]["cell_seconds"],
                       release_notebook=task["release_notebook"])
        outcome = api.autograde(lesson, student, force=True, create=True)
    Path(task["log"]).parent.mkdir(parents=True, exist_ok=True)
    Path(task["log"]).write_text(outcome.get("log", ""))
    autograded = work / "autograded" / student / lesson / notebook_name(lesson)
    if not outcome.get("success") or not autograded.is_file():
        return {"status": "failed", "message": "nbgrader could not run the notebook. "
                + feedback.plain(outcome.get("log", ""))[-600:]}

    nb = nbformat.read(autograded, as_version=4)
    errors = kernel_errors(nb)
    ids = [grade_id for grade_id, _ in cells]
    trusted = rejudge(lesson, evidence_dir, task["seed"], ids)
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
                message = "no points (the test cell did not complete)."
            verdicts[grade_id] = message
            fields.append({"id": grade_id, "exercise": grade_id.removeprefix("test_"),
                           "score": float(grade.auto_score or 0), "max": points, "message": message or ""})
        gb.db.commit()

    release = nbformat.read(task["release_notebook"], as_version=4)
    sources = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in release.cells}
    nbformat.write(feedback.sanitize(nb, sources, verdicts), autograded)
    shutil.copy(autograded, Path(task["autograded_copy"]))
    make_api(work, db_url).generate_feedback(lesson, student, force=True)
    html = work / "feedback" / student / lesson / notebook_name(lesson).replace(".ipynb", ".html")
    Path(task["feedback"]).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(html, task["feedback"])
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
