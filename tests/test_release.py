"""The committed release is a fresh build of the sources and shows nothing hidden."""
import shutil

import nbformat

from course import notebook_format, release
from course.lessons import RELEASE_DIR, SOURCE_DIR, lesson_ids, notebook_name


def test_release_is_fresh_and_leaks_nothing():
    assert release.check() == []


def test_check_notices_a_stale_release(tmp_path):
    stale = tmp_path / "notebooks"
    shutil.copytree(RELEASE_DIR, stale)
    lesson = lesson_ids()[0]
    path = stale / lesson / notebook_name(lesson)
    nb = notebook_format.read(path)
    nb.cells[0].source += "\nAn edit made by hand in the release."
    notebook_format.write(nb, path)
    assert any("differs from a fresh build" in p for p in release.check(stale, lessons=[lesson]))


def test_check_notices_a_missing_lesson(tmp_path):
    assert any("missing" in p for p in release.check(tmp_path, lessons=lesson_ids()[:1]))


def test_leaks_finds_solution_and_hidden_test_lines():
    lesson = lesson_ids()[0]
    source = notebook_format.read(SOURCE_DIR / lesson / notebook_name(lesson))
    clean = notebook_format.read(RELEASE_DIR / lesson / notebook_name(lesson))
    assert release.leaks(source, clean) == []
    for region in ("SOLUTION", "HIDDEN TESTS"):
        cell = next(c for c in source.cells if f"### BEGIN {region}" in c.source)
        leaky = notebook_format.read(RELEASE_DIR / lesson / notebook_name(lesson))
        leaky.cells.append(nbformat.v4.new_code_cell(cell.source.split(f"### BEGIN {region}\n")[1]))
        assert release.leaks(source, leaky), region


def test_every_release_notebook_has_stubs_and_no_outputs():
    for lesson in lesson_ids():
        nb = notebook_format.read(RELEASE_DIR / lesson / notebook_name(lesson))
        answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert answers and all("raise NotImplementedError()" in c.source for c in answers)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
