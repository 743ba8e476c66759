"""Grade a class in parallel: each submission in its own kernel and folder.

Locally a thread pool of ``workers`` threads hands submissions to as many
long-lived grader processes (:mod:`course.grader_process`); with a Dask
scheduler address the same tasks run on a Dask cluster instead (its workers
must see this repository and the output folder at the same paths). A
submission's result file is written when it is graded, so a run that is
stopped and started again grades only what is missing.

A class may mix the course's editions (English, pt_BR): each submission is
graded against the gradebook and release of its own edition
(:mod:`course.submission_edition` recognises it), by the same hidden tests,
and everything its student reads is in its language.

Output folder::

    gradebook.csv               one row per student
    overrides.json              the instructor's scores of single exercises (course.overrides), never written here
    summary.md                  what the class got wrong, per exercise
    report.html                 the class report (course.report)
    roster.csv                  the roster given with --roster, kept for report and export
    similarity/index.html       pairs of similar answer code (with --similarity; course.similarity)
    feedback/<student>/<lesson>.html
    autograded/<student>/<lesson>.ipynb   graded notebooks, hidden tests removed
    results/<lesson>/<student>.json       one per submission (the run's memory)
    logs/<lesson>/<student>.log           nbgrader's log of that submission

Before anyone is graded, :mod:`course.preflight` proves that a grading kernel
works here; without a working sandbox, grading refuses to start unless told
``no_sandbox``. A submission is graded again when its file changed since its
result was written, or when that result is damaged.
"""
import concurrent.futures
import os
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from course import (deadlines, grader_process, gradebook, overrides, preflight, report, roster, sandbox, similarity,
                    submission_edition, submissions, translation)
from course.grade_worker import SUBMISSION_FACTS, file_digest, grader_fault, write_json_atomically
from course.hidden_seed import seed_for
from course.lessons import REPO_ROOT, lesson_ids, notebook_name
from course.nbgrader_settings import CELL_TIMEOUT_SECONDS
from utils.i18n import _, integer, number, speaking

NO_SANDBOX_WARNING = ("! grading WITHOUT a sandbox (--no-sandbox): student code can use the network and read "
                      "every file the grading user can read, other students' submissions included; as root, "
                      "kernels still run as users of their own who cannot change the grader's files.")


class SandboxUnavailable(RuntimeError):
    """bubblewrap cannot build the sandbox here, and grading without one was not asked for."""


class NothingToGrade(ValueError):
    """The target holds no submission (or does not exist); the message says what was looked for."""


class ClusterUnfit(RuntimeError):
    """The Dask workers cannot grade: they do not see the repository or the output folder at this path."""


@dataclass(frozen=True)
class Limits:
    """What one submission may use: wall-clock seconds for the whole notebook and
    for one cell, and memory for its kernel."""

    notebook_seconds: int = 900
    cell_seconds: int = CELL_TIMEOUT_SECONDS
    memory_gb: float = sandbox.DEFAULT_MEMORY_LIMIT_GB


def prepare_templates(editions, folder):
    """Build, for each ``(lesson, language)`` of ``editions``, the gradebook that autograding needs and the
    release notebook. Each edition needs its own: nbgrader restores the locked cells from the gradebook."""
    templates = {}
    for lesson, language in sorted(editions):
        db = Path(folder) / language / lesson / "gradebook.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        db.unlink(missing_ok=True)
        release = translation.generate(lesson, language, Path(folder) / language / "release", f"sqlite:///{db}")
        templates[lesson, language] = {"template_db": str(db), "release_notebook": str(release)}
    return templates


def make_task(sub, language, out, templates, seed, limits, hidden, threads, sandboxed=True):
    """The task of grading ``sub``, a submission of the ``language`` edition."""
    return {
        "threads": threads,
        "student": sub.student,
        "lesson": sub.lesson,
        "language": language,
        "notebook": str(sub.path),
        "source_name": sub.path.name,
        "submitted_as": sub.submitted_as,
        "lms_id": sub.lms_id,
        "late": sub.late,
        "submitted_at": sub.submitted_at,
        "seed": seed_for(seed, sub.student, sub.lesson),
        "sandboxed": sandboxed,
        "limits": asdict(limits),
        "hidden": [str(p) for p in hidden],
        "workdir": str(out / ".work" / sub.lesson / sub.student),
        "result": str(out / "results" / sub.lesson / f"{sub.student}.json"),
        "log": str(out / "logs" / sub.lesson / f"{sub.student}.log"),
        "feedback": str(out / "feedback" / sub.student / f"{sub.lesson}.html"),
        "autograded_copy": str(out / "autograded" / sub.student / notebook_name(sub.lesson)),
        **templates[sub.lesson, language],
    }


def run_task(task):
    """Grade one submission with this thread's grader process; return its result.

    When the grader does not finish (time limit, crash), the result is
    written here instead, with every exercise at 0 and the reason, in the
    submission's language: over the notebook's time limit, the student's
    code decided (``graded``); a grader that died or failed is the grading's
    fault (``error``). The log says what happened, for the instructor.
    """
    with speaking(task["language"]):  # this thread speaks to this submission's student, until it is done
        return _run_in_grader(task)


def _run_in_grader(task):
    Path(task["autograded_copy"]).parent.mkdir(parents=True, exist_ok=True)
    task_file = Path(task["workdir"] + ".task.json")
    write_json_atomically(task_file, task)
    started = time.monotonic()
    grader = grader_process.for_this_thread(task["threads"])
    seconds = task["limits"]["notebook_seconds"]
    outcome = grader.run(task_file, seconds)
    result_path = Path(task["result"])
    result = (gradebook.read_result(result_path, task["student"], task["lesson"])
              if outcome.what == grader_process.DONE else None)
    if result is None:
        if outcome.what == grader_process.TIMEOUT:
            reason = _("grading was stopped after {seconds} s; does a cell run forever?").format(seconds=seconds)
            result = _failed_result(task, "graded", reason, time.monotonic() - started)
        else:
            result = _failed_result(task, "error", grader_fault(), time.monotonic() - started)
        Path(task["log"]).parent.mkdir(parents=True, exist_ok=True)
        Path(task["log"]).write_bytes(outcome.log + f"\n{_log_line(outcome, seconds)}\n".encode())
    shutil.rmtree(task["workdir"], ignore_errors=True)
    task_file.unlink(missing_ok=True)
    return result


def _log_line(outcome, seconds):
    """Why the grader wrote no result, for the instructor (in English, as the rest of the log)."""
    return {grader_process.TIMEOUT: f"grading was stopped after {seconds} s",
            grader_process.DIED: f"the grader stopped with exit code {outcome.exit_code}",
            grader_process.FAILED: "the grader failed on this submission (see above)",
            }.get(outcome.what, "the grader wrote no valid result")


def _failed_result(task, status, reason, seconds):
    from nbgrader.api import Gradebook

    from course import feedback
    from course.nbgrader_settings import COURSE_ID

    with Gradebook(f"sqlite:///{task['template_db']}", COURSE_ID) as gb:
        cells = [(c.name, c.max_score) for c in gb.find_notebook(task["lesson"], task["lesson"]).grade_cells]
    result = {
        "student": task["student"], "lesson": task["lesson"], "language": task["language"],
        "status": status, "message": reason,
        "source_name": task["source_name"], "submitted_as": task["submitted_as"],
        **{key: task[key] for key in SUBMISSION_FACTS},
        "sha256": file_digest(task["notebook"]), "notes": [],
        "cells": [{"id": i, "exercise": i.removeprefix("test_"), "score": 0.0, "max": m, "message": reason}
                  for i, m in cells],
        "score": 0.0, "max_score": sum(m for _, m in cells), "seconds": round(seconds, 1),
    }
    Path(task["feedback"]).parent.mkdir(parents=True, exist_ok=True)
    Path(task["feedback"]).write_text(feedback.failure_page(task["student"], task["lesson"], reason, result["cells"]))
    write_json_atomically(task["result"], result)
    return result


class Progress:
    """One line per graded submission, with a count and the time left."""

    def __init__(self, total, stream=sys.stdout):
        self.total, self.done, self.started, self.stream = total, 0, time.monotonic(), stream

    def update(self, result):
        self.done += 1
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        bar = "#" * int(20 * self.done / self.total)
        print(_("[{bar}] {done}/{total}  {student} {lesson}: {score}/{max_score} ({status}, {seconds} s)  "
                "~{left} s left").format(bar=f"{bar:<20}", done=self.done, total=self.total,
                                         student=result["student"], lesson=result["lesson"],
                                         score=number(result["score"]), max_score=number(result["max_score"]),
                                         status=gradebook.status_word(result["status"]),
                                         seconds=integer(result["seconds"]), left=integer(left)),
              file=self.stream, flush=True)


def grade(target, out, workers=None, dask_scheduler=None, force=False, lesson=None, seed=None,
          limits=Limits(), no_sandbox=False, stream=None, roster_path=None, detect_copies=False,
          deadlines_path=None):
    """Grade ``target`` (a folder of submissions, a platform's zip file of them, or one notebook) into
    ``out``; return a summary dict.

    Also writes ``report.html`` (with the roster ``roster_path``, kept in
    ``out``) and, with ``detect_copies``, the copy detection in ``out/similarity``.
    With a roster, each submission is graded under the id of the roster
    student it is from (:class:`course.roster.Matcher`). The deadlines
    (``deadlines_path``, kept in ``out``) put the late penalties in the gradebook.

    Raises :class:`SandboxUnavailable` when bubblewrap does not work here and
    ``no_sandbox`` is false, :class:`course.preflight.PreflightFailed`
    when a grading kernel does not work, :class:`NothingToGrade` when
    ``target`` holds no submission and :class:`ClusterUnfit` when the Dask
    workers cannot grade; in all cases no one is graded.
    """
    stream = stream or sys.stdout
    out = Path(out).resolve()
    target = Path(target).resolve()
    sandboxed = sandbox.bubblewrap_works()
    if not sandboxed and not no_sandbox:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) cannot build the sandbox here, so student code could read and change files "
            "on this machine. Install it (`apt-get install bubblewrap`), or grade anyway with --no-sandbox.")
    if not sandboxed:
        print(NO_SANDBOX_WARNING, file=stream)
    if not target.exists():
        raise NothingToGrade(f"{target}: no such file or folder")
    out.mkdir(parents=True, exist_ok=True)
    people = roster.for_grading(out, roster_path)  # a bad roster stops here, before anyone is graded
    deadlines.for_grading(out, deadlines_path)  # kept in out, where class_results reads it
    unpacked = []
    if target.suffix == ".zip":
        target, unpacked = submissions.unpack(target, out / "downloads" / target.stem)
    found, problems = submissions.find(target, single_lesson=lesson)
    if people:
        found, problems = _as_roster_students(found, problems, people)
    for problem in unpacked + problems:
        print(f"! {problem}", file=stream)
    if not found:
        raise NothingToGrade(f"{target}: no submission found to grade; {submissions.naming_rule(lesson_ids())}, "
                             "or give the folder or zip file a learning platform downloads")
    for sub in found:
        if sub.submitted_as != sub.student:
            print(f"  {sub.path.name}: graded as student {sub.student!r}", file=stream)
    seed = secrets.randbelow(2**31) if seed is None else seed
    todo = [s for s in found if force or not _up_to_date(out, s)]
    # Templates are made per edition before any task starts, so the edition is read here; the
    # worker (a Dask worker may be on another machine) reads the file again rather than be sent it.
    editions = {s.path: submission_edition.of_file(s.path, s.lesson) for s in found}
    with speaking(submission_edition.shared(editions.values())):
        print(_("submissions: {count}, already graded: {graded}, to grade: {todo}").format(
            count=integer(len(found)), graded=integer(len(found) - len(todo)), todo=integer(len(todo))), file=stream)
        _grade_todo(todo, editions, out, seed, limits, sandboxed, workers, dask_scheduler, stream,
                    hidden=[REPO_ROOT / "solutions", out, target if target.is_dir() else target.parent])
    results, waiting = gradebook.class_results(out)
    gradebook.write_gradebook(results, out / "gradebook.csv")
    gradebook.write_summary(results, out / "summary.md")
    overrides.write_notes(out, results)
    if detect_copies:
        similarity.run(target, out / "similarity")
    report.write_report(out)
    errors = [r for r in results if r["status"] == "error"]
    return {"graded": len(todo), "results": results, "problems": problems, "out": out, "errors": errors,
            "todo": todo, "waiting": waiting, "language": gradebook.class_language(results)}


def _grade_todo(todo, editions, out, seed, limits, sandboxed, workers, dask_scheduler, stream, hidden):
    """Grade the submissions ``todo`` side by side, each result written in ``out/results``."""
    if todo:
        preflight.run(_scratch(out), limits.memory_gb, sandboxed, hidden)
        with tempfile.TemporaryDirectory(prefix="templates-", dir=_scratch(out)) as folder:
            templates = prepare_templates({(s.lesson, editions[s.path]) for s in todo}, folder)
            workers = workers or os.cpu_count() or 1
            # Kernels running side by side share the cores instead of each using them all.
            threads = max(1, (os.cpu_count() or 1) // min(workers, len(todo)))
            tasks = [make_task(s, editions[s.path], out, templates, seed, limits, hidden, threads, sandboxed)
                     for s in todo]
            _run_all(tasks, workers, dask_scheduler, Progress(len(tasks), stream), out)


def _as_roster_students(found, problems, people):
    """The submissions of roster students graded under their roster id (made safe), the latest of each."""
    matcher = roster.Matcher(people)
    mapped = []
    for sub in found:
        person = matcher.find([sub.submitted_as, sub.student], sub.lms_id)
        mapped.append(sub.as_student(submissions.safe_student_id(person.student)) if person else sub)
    return submissions.latest(mapped, problems)


def _up_to_date(out, sub):
    """True when ``sub`` has a sound result, made from the file as it is now."""
    result = gradebook.read_result(out / "results" / sub.lesson / f"{sub.student}.json", sub.student, sub.lesson)
    return result is not None and result.get("sha256") == file_digest(sub.path) and result["status"] != "error"


def _scratch(out):
    path = out / ".work"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _run_all(tasks, workers, dask_scheduler, progress, out):
    if dask_scheduler:
        from distributed import Client

        with Client(dask_scheduler) as client:
            check_workers(client, out)
            try:
                _drain(client.get_executor(pure=False), tasks, progress)
            finally:
                client.run(grader_process.close_all)
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            try:
                _drain(pool, tasks, progress)
            finally:
                grader_process.close_all()


def _course_folder():
    """Where this worker imports the course from (run on each Dask worker)."""
    import course

    return str(Path(course.__file__).resolve().parent.parent)


def check_workers(client, out):
    """Raise :class:`ClusterUnfit` unless every worker imports the course from this repository's path and
    sees the output folder ``out``: a worker that cannot would fail every submission it is given."""
    fix = (f"start each worker with this repository at {REPO_ROOT} on its PYTHONPATH "
           f"(PYTHONPATH={REPO_ROOT} dask worker ...) and the output folder {out} shared at the same path")
    try:
        folders = client.run(_course_folder)
    except Exception as error:  # the function itself cannot be loaded where the course cannot be imported
        raise ClusterUnfit(f"the Dask workers cannot import the course ({type(error).__name__}: {error}); "
                           f"{fix}") from None
    wrong = {worker: folder for worker, folder in folders.items() if folder != str(REPO_ROOT)}
    unseen = [worker for worker, seen in client.run(os.path.isdir, str(out)).items() if not seen]
    if wrong or unseen:
        details = [f"{w} imports the course from {f}" for w, f in wrong.items()]
        details += [f"{w} does not see {out}" for w in unseen]
        raise ClusterUnfit(f"{'; '.join(details)}; {fix}")


def _drain(executor, tasks, progress):
    futures = [executor.submit(run_task, task) for task in tasks]
    for future in concurrent.futures.as_completed(futures):
        progress.update(future.result())
