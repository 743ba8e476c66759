"""The feedback pages as one folder or zip per student, to upload to the learning platform.

``python -m course feedback release grading/ --out release/`` writes
``release/<key>/<lesson>.html`` for every lesson the student was graded on (``--zip``:
``release/<key>.zip`` holding the same pages), the key being the name the platform knows the student
by: the student id (``student``, the default), or the roster's ``email`` or ``lms-id``. The pages
carry the instructor's notes of :mod:`course.overrides`. A student's folder or zip is written anew,
so a page of a withdrawn submission does not linger there.
"""
import shutil
import zipfile
from pathlib import Path

from course import gradebook, overrides, roster

KEYS = ("student", "email", "lms-id")


class ReleaseError(ValueError):
    """Nothing can be released; the message says what to do."""


def _name(student, people, key):
    """The folder name of ``student`` under ``key``, or ``(None, why not)``."""
    if key == "student":
        return student, None
    person = people.get(student)
    if person is None:
        return None, f"{student}: not on the roster, so no {key}; not released"
    name = person.email if key == "email" else person.lms_id
    if not name:
        return None, f"{student}: the roster gives no {key}; not released"
    if "/" in name or "\\" in name or name.startswith("."):
        return None, f"{student}: the {key} {name!r} cannot name a file; not released"
    return name, None


def release(grading_dir, out, key="student", as_zip=False, roster_path=None):
    """Write the per-student folders (or zips) into ``out``; return ``(paths written, notes)``."""
    grading_dir, out = Path(grading_dir), Path(out)
    results, _ = gradebook.class_results(grading_dir)
    if not results:
        raise ReleaseError(f"{grading_dir}: no results, so no feedback; grade the class first (python -m course grade)")
    people = roster.for_grading(grading_dir, roster_path)
    if key != "student" and people is None:
        raise ReleaseError(f"--key {key} needs a roster: pass --roster roster.csv")
    overrides.write_notes(grading_dir, results)
    pages = {}
    for result in sorted(results, key=lambda r: (r["student"], r["lesson"])):
        page = grading_dir / "feedback" / result["student"] / f"{result['lesson']}.html"
        if page.is_file():
            pages.setdefault(result["student"], []).append(page)
    written, notes, owners = [], [], {}
    out.mkdir(parents=True, exist_ok=True)
    for student, student_pages in pages.items():
        name, why = _name(student, people or {}, key)
        if name in owners:
            why = f"{student}: the {key} {name!r} is also {owners[name]}'s; not released"
        if why:
            notes.append(why)
            continue
        owners[name] = student
        written.append(_write_zip(out / f"{name}.zip", student_pages) if as_zip
                       else _write_folder(out / name, student_pages))
    return written, notes


def _write_folder(folder, pages):
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for page in pages:
        shutil.copyfile(page, folder / page.name)
    return folder


def _write_zip(path, pages):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for page in pages:
            archive.write(page, page.name)
    return path
