"""Grade a class in parallel: each submission in its own kernel and folder.

Locally a thread pool of ``workers`` threads hands submissions to as many
long-lived grader processes (:mod:`course.grader_process`); with a Dask
scheduler address the same tasks run on a Dask cluster instead (its workers
must see this repository and the output folder at the same paths). A
submission's result file is written when it is graded, so a run that is
stopped and started again grades only what is missing.

Output folder::

    gradebook.csv               one row per student
    summary.md                  what the class got wrong, per exercise
    feedback/<student>/<lesson>.html
    autograded/<student>/<lesson>.ipynb   graded notebooks, hidden tests removed
    results/<lesson>/<student>.json       one per submission (the run's memory)
    logs/<lesson>/<student>.log           nbgrader's log of that submission
"""
import concurrent.futures
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from course import grader_process, gradebook, sandbox, submissions
from course.grade_worker import write_json_atomically
from course.lessons import notebook_name
from course.nbgrader_settings import CELL_TIMEOUT_SECONDS
from course.release import generate



@dataclass(frozen=True)
class Limits:
    """What one submission may use: wall-clock seconds for the whole notebook and
    for one cell, and memory for its kernel."""

    notebook_seconds: int = 900
    cell_seconds: int = CELL_TIMEOUT_SECONDS
    memory_gb: float = sandbox.DEFAULT_MEMORY_LIMIT_GB


def prepare_templates(lessons, folder):
    """Build, for each lesson, the gradebook that autograding needs and the release notebook."""
    templates = {}
    for lesson in lessons:
        db = Path(folder) / lesson / "gradebook.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        db.unlink(missing_ok=True)
        release = generate(lesson, Path(folder) / "release", f"sqlite:///{db}")
        templates[lesson] = {"template_db": str(db), "release_notebook": str(release)}
    return templates


def make_task(sub, out, templates, seed, limits, hidden, threads):
    return {
        "threads": threads,
        "student": sub.student,
        "lesson": sub.lesson,
        "notebook": str(sub.path),
        "seed": seed,
        "limits": asdict(limits),
        "hidden": [str(p) for p in hidden],
        "workdir": str(out / ".work" / sub.lesson / sub.student),
        "result": str(out / "results" / sub.lesson / f"{sub.student}.json"),
        "log": str(out / "logs" / sub.lesson / f"{sub.student}.log"),
        "feedback": str(out / "feedback" / sub.student / f"{sub.lesson}.html"),
        "autograded_copy": str(out / "autograded" / sub.student / notebook_name(sub.lesson)),
        **templates[sub.lesson],
    }


def run_task(task):
    """Grade one submission with this thread's grader process; return its result.

    When the grader does not finish (time limit, crash), the result is
    written here instead, with every exercise at 0 and the reason.
    """
    Path(task["autograded_copy"]).parent.mkdir(parents=True, exist_ok=True)
    task_file = Path(task["workdir"] + ".task.json")
    write_json_atomically(task_file, task)
    started = time.monotonic()
    grader = grader_process.for_this_thread(task["threads"])
    reason, log = grader.run(task_file, task["limits"]["notebook_seconds"])
    result_path = Path(task["result"])
    if reason is None and result_path.is_file():
        result = json.loads(result_path.read_text())
    else:
        result = _failed_result(task, reason or "the grader wrote no result", time.monotonic() - started)
        Path(task["log"]).parent.mkdir(parents=True, exist_ok=True)
        Path(task["log"]).write_bytes(log)
    shutil.rmtree(task["workdir"], ignore_errors=True)
    task_file.unlink(missing_ok=True)
    return result


def _failed_result(task, reason, seconds):
    from nbgrader.api import Gradebook

    from course import feedback
    from course.nbgrader_settings import COURSE_ID

    with Gradebook(f"sqlite:///{task['template_db']}", COURSE_ID) as gb:
        cells = [(c.name, c.max_score) for c in gb.find_notebook(task["lesson"], task["lesson"]).grade_cells]
    result = {
        "student": task["student"], "lesson": task["lesson"], "status": "failed", "message": reason,
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
        print(f"[{bar:<20}] {self.done}/{self.total}  {result['student']} {result['lesson']}: "
              f"{result['score']:g}/{result['max_score']:g} ({result['status']}, {result['seconds']:.0f} s)"
              f"  ~{left:.0f} s left", file=self.stream, flush=True)


def grade(target, out, workers=None, dask_scheduler=None, force=False, lesson=None, seed=None,
          limits=Limits(), stream=sys.stdout):
    """Grade ``target`` (a folder of submissions or one notebook) into ``out``; return a summary dict.

    Student kernels see neither ``out`` nor the submissions' folder (see :mod:`course.sandbox`).
    """
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    target = Path(target).resolve()
    if not sandbox.bubblewrap_works():
        print("! bubblewrap (bwrap) is not usable here: student kernels run without a sandbox", file=stream)
    found, problems = submissions.find(target, single_lesson=lesson)
    for problem in problems:
        print(f"! {problem}", file=stream)
    seed = secrets.randbelow(2**31) if seed is None else seed
    todo = [s for s in found if force or not (out / "results" / s.lesson / f"{s.student}.json").is_file()]
    print(f"{len(found)} submissions, {len(found) - len(todo)} already graded, {len(todo)} to grade", file=stream)
    if todo:
        with tempfile.TemporaryDirectory(prefix="templates-", dir=_scratch(out)) as folder:
            templates = prepare_templates(sorted({s.lesson for s in todo}), folder)
            hidden = [out, target if target.is_dir() else target.parent]
            workers = workers or os.cpu_count() or 1
            # Kernels running side by side share the cores instead of each using them all.
            threads = max(1, (os.cpu_count() or 1) // min(workers, len(todo)))
            tasks = [make_task(s, out, templates, seed, limits, hidden, threads) for s in todo]
            _run_all(tasks, workers, dask_scheduler, Progress(len(tasks), stream))
    results = gradebook.load_results(out / "results")
    gradebook.write_gradebook(results, out / "gradebook.csv")
    gradebook.write_summary(results, out / "summary.md")
    return {"graded": len(todo), "results": results, "problems": problems, "out": out}


def _scratch(out):
    path = out / ".work"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _run_all(tasks, workers, dask_scheduler, progress):
    if dask_scheduler:
        from distributed import Client

        with Client(dask_scheduler) as client:
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


def _drain(executor, tasks, progress):
    futures = [executor.submit(run_task, task) for task in tasks]
    for future in concurrent.futures.as_completed(futures):
        progress.update(future.result())
