"""Exports read back the way Moodle, Canvas and nbgrader read them."""
import csv
import json

import pytest

from course import cli, export
from tests import class_results
from tests.class_results import LESSON, OTHER

# What each roster student must get: the graded score, 0 when the file was rejected; nothing (None) when
# the grading failed (gus) or nothing was handed in.
EXPECTED = {
    ("ada", LESSON): 10, ("bob", LESSON): 7, ("cyd", LESSON): 5, ("dan", LESSON): 4, ("eve", LESSON): 2,
    ("fay", LESSON): 0, ("ada", OTHER): 10, ("bob", OTHER): 3,
}
ROSTER = ["ada", "bob", "cyd", "dan", "eve", "fay", "gus", "hal"]


def expected(student, lesson):
    return EXPECTED.get((student, lesson))


def _number(cell):
    return float(cell) if cell else None


@pytest.fixture
def graded(tmp_path):
    return class_results.write(tmp_path / "grading")


def test_graded_work_of_no_roster_student_stops_the_export(graded, tmp_path, capsys):
    folder, roster = graded
    out = tmp_path / "moodle.csv"
    for fmt in export.FORMATS:
        assert cli.main(["export", str(folder), "--format", fmt, "--roster", str(roster), "--out", str(out),
                         "--template", str(tmp_path / "never read.csv")]) == 2
        error = capsys.readouterr().err
        assert "zed (01_lambda_layers)" in error and "--skip-unmatched" in error and len(error.splitlines()) == 1
    assert not out.exists()


def test_moodle_csv_keyed_by_email(graded, tmp_path, capsys):
    folder, roster = graded
    out = tmp_path / "moodle.csv"
    assert cli.main(["export", str(folder), "--format", "moodle", "--roster", str(roster), "--out", str(out),
                     "--skip-unmatched"]) == 0
    assert "zed (01_lambda_layers)" in capsys.readouterr().out  # not on the roster: said, not exported
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["Email address", "Full name", LESSON, OTHER]
    by_email = {r["Email address"]: r for r in rows}
    assert set(by_email) == {f"{s}@uni.example" for s in ROSTER}
    for student in ROSTER:
        for lesson in (LESSON, OTHER):
            assert _number(by_email[f"{student}@uni.example"][lesson]) == expected(student, lesson)
    assert by_email["ada@uni.example"]["Full name"] == "Ada Lovelace"


def test_moodle_writes_0_for_missing_work_only_when_asked(graded, tmp_path):
    folder, roster = graded
    out = tmp_path / "moodle.csv"
    export.export(folder, "moodle", out, roster_path=roster, skip_unmatched=True, missing_as_zero=True)
    with open(out, newline="", encoding="utf-8") as f:
        rows = {r["Email address"]: r for r in csv.DictReader(f)}
    assert rows["hal@uni.example"][LESSON] == "0" and rows["cyd@uni.example"][OTHER] == "0"
    assert rows["gus@uni.example"][LESSON] == ""  # the grading failed: not the student's 0


def test_moodle_csv_keyed_by_username(graded, tmp_path):
    folder, roster = graded
    out = tmp_path / "moodle.csv"
    export.export(folder, "moodle", out, roster_path=roster, key="username", skip_unmatched=True)
    with open(out, newline="", encoding="utf-8") as f:
        rows = {r["Username"]: r for r in csv.DictReader(f)}
    assert float(rows["ada.l"][LESSON]) == 10 and float(rows["bob"][OTHER]) == 3  # bob has no lms id: his student id


def test_moodle_needs_a_way_to_find_students(graded, tmp_path):
    folder, _ = graded
    with pytest.raises(export.ExportError, match="--roster"):
        export.export(folder, "moodle", tmp_path / "m.csv")


CANVAS = [
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Quiz 1 (901)", "01_lambda_layers (1234)",
     "03_add_loss (1240)", "Current Score", "Final Score"],
    ["    Points Possible", "", "", "", "", "5", "10", "10", "(read only)", "(read only)"],
    ["Lovelace, Ada", "11", "2024001", "ada.l", "Turma A", "4", "", "9", "80", "80"],
    ["Souza, Bob", "12", "2024002", "BOB@uni.example", "Turma A", "5", "7.00", "", "90", "90"],
    ["Reis, Hal", "18", "2024008", "hal.r", "Turma B", "", "", "", "", ""],
    ["Other, Someone", "19", "2024099", "someone", "Turma B", "2", "7", "", "40", "40"],
    ["Student, Test", "20", "", "", "Turma A", "", "", "", "", ""],
]
HAND_ENTERED = (2, 7)  # ada's 9 in lesson 03, where she was graded 10


def _write_canvas(path, rows, bom=True):
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        csv.writer(f).writerows(rows)


def _read(path, encoding="utf-8-sig"):
    with open(path, newline="", encoding=encoding) as f:
        return list(csv.reader(f))


def _canvas(graded, tmp_path, *options):
    folder, roster = graded
    template, out = tmp_path / "canvas_export.csv", tmp_path / "canvas_import.csv"
    _write_canvas(template, CANVAS)
    status = cli.main(["export", str(folder), "--format", "canvas", "--roster", str(roster),
                       "--template", str(template), "--out", str(out), "--skip-unmatched", *options])
    return status, out


def test_canvas_fills_empty_lesson_cells_and_keeps_every_grade_already_there(graded, tmp_path, capsys):
    status, out = _canvas(graded, tmp_path)
    assert status == 0
    printed = capsys.readouterr().out
    assert "no row in the Canvas file" in printed  # cyd, dan, ... are not in this small template
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Canvas's own encoding kept
    rows = _read(out)
    header, points = rows[0], rows[1]
    assert header == CANVAS[0] and points == CANVAS[1]
    column = {title.split(" (")[0]: i for i, title in enumerate(header)}
    students = {row[3].lower(): row for row in rows[2:]}
    assert float(students["ada.l"][column[LESSON]]) == 10  # an empty cell is filled
    assert students["ada.l"][column[OTHER]] == "9"  # entered by hand: kept, though she was graded 10
    assert students["bob@uni.example"][column[LESSON]] == "7.00"  # the same grade: left as written
    assert students["hal.r"][column[LESSON]] == ""  # on the roster, nothing handed in: no grade
    for before, after in zip(CANVAS[2:], rows[2:]):
        untouched = [i for i in range(len(header)) if i not in (column[LESSON], column[OTHER])]
        assert [before[i] for i in untouched] == [after[i] for i in untouched]
    assert rows[5] == CANVAS[5] and rows[6] == CANVAS[6]  # students we do not know: every cell as it was
    assert "ada  " in printed and "03_add_loss (1240): 9 -> 10  KEPT" in printed
    changes = _read(tmp_path / "canvas_import.changes.csv", "utf-8")
    assert changes == [["student", "column", "old", "new", "action"],
                       ["ada", "01_lambda_layers (1234)", "", "10", "written"],
                       ["ada", "03_add_loss (1240)", "9", "10", "kept (use --overwrite)"],
                       ["bob", "03_add_loss (1240)", "", "3", "written"]]


def test_canvas_overwrites_a_hand_entered_grade_only_when_asked(graded, tmp_path, capsys):
    status, out = _canvas(graded, tmp_path, "--overwrite")
    assert status == 0
    row, column = _read(out)[HAND_ENTERED[0]], HAND_ENTERED[1]
    assert row[column] == "10"
    assert "03_add_loss (1240): 9 -> 10" in capsys.readouterr().out
    assert ["ada", "03_add_loss (1240)", "9", "10", "written"] in _read(tmp_path / "canvas_import.changes.csv", "utf-8")


def test_canvas_writes_0_for_missing_work_only_when_asked(graded, tmp_path):
    status, out = _canvas(graded, tmp_path, "--missing-as-zero")
    students = {row[3]: row for row in _read(out)[2:]}
    assert students["hal.r"][6] == "0" and students["BOB@uni.example"][7] == "3"


def test_canvas_refuses_to_leave_out_a_graded_student_without_a_row(graded, tmp_path, capsys):
    folder, roster = graded
    template, out = tmp_path / "canvas_export.csv", tmp_path / "canvas_import.csv"
    _write_canvas(template, CANVAS)
    roster.write_text(class_results.ROSTER + "zed,Zed Alves,zed@uni.example,\n")
    with pytest.raises(export.ExportError, match="no row in the Canvas file.*cyd, dan, eve, fay, zed"):
        export.export(folder, "canvas", out, roster_path=roster, template=template)
    assert not out.exists()
    rows = CANVAS + [[f"{s}, X", "", "", f"{s}@uni.example", "", "", "", "", "", ""]
                     for s in ("cyd", "dan", "eve", "fay", "zed")]
    _write_canvas(template, rows)
    export.export(folder, "canvas", out, roster_path=roster, template=template)  # everyone graded has a row
    assert {row[3]: row[6] for row in _read(out)[7:]} == {
        "cyd@uni.example": "5", "dan@uni.example": "4", "eve@uni.example": "2", "fay@uni.example": "0",
        "zed@uni.example": "5"}


def test_a_canvas_file_without_any_lesson_column_is_refused(graded, tmp_path, capsys):
    folder, roster = graded
    template = tmp_path / "canvas_export.csv"
    _write_canvas(template, [row[:6] for row in CANVAS])
    assert cli.main(["export", str(folder), "--format", "canvas", "--roster", str(roster), "--template",
                     str(template), "--out", str(tmp_path / "out.csv"), "--skip-unmatched"]) == 2
    error = capsys.readouterr().err
    assert "no assignment column is named after a lesson graded here" in error and len(error.splitlines()) == 1
    assert not (tmp_path / "out.csv").exists()


def test_canvas_says_which_lesson_has_no_column(graded, tmp_path):
    folder, roster = graded
    template = tmp_path / "canvas_export.csv"
    _write_canvas(template, [row[:7] for row in CANVAS], bom=False)
    outcome = export.export(folder, "canvas", tmp_path / "out.csv", roster_path=roster, template=template,
                            skip_unmatched=True)
    assert any(note.startswith(f"{OTHER}: no assignment column") for note in outcome.notes)
    assert not (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_canvas_refuses_a_file_that_is_not_a_canvas_export(graded, tmp_path):
    folder, roster = graded
    template = tmp_path / "grades.csv"
    template.write_text("name,grade\nada,10\n")
    with pytest.raises(export.ExportError, match="not a Canvas gradebook export"):
        export.export(folder, "canvas", tmp_path / "out.csv", roster_path=roster, template=template,
                      skip_unmatched=True)
    with pytest.raises(export.ExportError, match="--template"):
        export.export(folder, "canvas", tmp_path / "out.csv", roster_path=roster, skip_unmatched=True)


def test_nbgrader_gradebook_as_nbgrader_export_reads_it(graded, tmp_path):
    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin

    from course.nbgrader_settings import COURSE_ID

    folder, roster = graded
    db = tmp_path / "gradebook.db"
    export.export(folder, "nbgrader", db, roster_path=roster, skip_unmatched=True)
    export.export(folder, "nbgrader", db, roster_path=roster, skip_unmatched=True)  # updates, does not duplicate
    grades_csv = tmp_path / "grades.csv"
    with Gradebook(f"sqlite:///{db}", COURSE_ID) as gb:
        CsvExportPlugin(to=str(grades_csv)).export(gb)
        assert gb.find_student("ada").email == "ada@uni.example" and gb.find_student("ada").last_name == "Lovelace"
        assert gb.find_assignment(LESSON).max_score == 10
        submitted = {(s.student.id, s.assignment.name) for a in gb.assignments for s in a.submissions}
    assert submitted == set(EXPECTED)  # no submission where the grading failed or nothing was handed in
    with open(grades_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * len(ROSTER)  # every roster student, every lesson; zed is not on the roster
    for row in rows:
        assert float(row["score"]) == (expected(row["student_id"], row["assignment"]) or 0), row  # nbgrader's 0
        assert float(row["max_score"]) == 10


def test_nbgrader_export_puts_the_graded_notebooks_where_formgrader_opens_them(tmp_path):
    import nbformat
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import GetGrades

    from course.lessons import RELEASE_DIR, notebook_name

    release = nbformat.read(RELEASE_DIR / LESSON / notebook_name(LESSON), as_version=4)
    tests = [c.metadata.nbgrader for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")]
    folder = tmp_path / "grading"
    cells = [{"id": t["grade_id"], "exercise": t["grade_id"].removeprefix("test_"), "score": 0.0,
              "max": t["points"], "message": ""} for t in tests]
    result = {"student": "ada", "lesson": LESSON, "status": "graded", "message": "", "cells": cells,
              "score": 0.0, "max_score": float(sum(t["points"] for t in tests))}
    (folder / "results" / LESSON).mkdir(parents=True)
    (folder / "results" / LESSON / "ada.json").write_text(json.dumps(result))
    (folder / "autograded" / "ada").mkdir(parents=True)
    nbformat.write(release, folder / "autograded" / "ada" / notebook_name(LESSON))
    root = tmp_path / "course"
    root.mkdir()
    export.export(folder, "nbgrader", root / "gradebook.db")
    graded = root / CourseDirectory(root=str(root)).format_path("autograded", "ada", LESSON) / f"{LESSON}.ipynb"
    assert graded.is_file()
    resources = {"nbgrader": {"notebook": LESSON, "assignment": LESSON, "student": "ada",
                              "db_url": f"sqlite:///{root / 'gradebook.db'}"}}
    _, resources = GetGrades().preprocess(nbformat.read(graded, as_version=4), resources)  # as formgrader does
    assert resources["nbgrader"]["max_score"] == result["max_score"]


def test_accented_names_and_hand_entered_canvas_grades_round_trip(tmp_path):
    folder, _ = class_results.write(tmp_path / "grading")
    roster = tmp_path / "roster.csv"
    roster.write_text(class_results.ROSTER.replace("Ada Lovelace", "Adélia Gonçalves").replace("ada.l", "adélia.g")
                      + "zed,Zoë Ñúñez,zoë@uni.example,zoë\n", encoding="utf-8")
    template, out = tmp_path / "canvas.csv", tmp_path / "canvas-import.csv"
    rows = [CANVAS[0], CANVAS[1]] + [[name, str(i), "", login, "", "", hand, "", "", ""] for i, (name, login, hand)
                                     in enumerate([("Gonçalves, Adélia", "adélia.g", "7.00"), ("Ñúñez, Zoë", "zoë", ""),
                                                   ("Souza, Bob", "bob@uni.example", "6")])]
    rows += [[s, "", "", f"{s}@uni.example", "", "", "", "", "", ""] for s in ("cyd", "dan", "eve", "fay")]
    _write_canvas(template, rows)
    export.export(folder, "canvas", out, roster_path=roster, template=template)
    back = _read(out)
    assert back[:2] == rows[:2] and [r[0] for r in back] == [r[0] for r in rows]  # names as Canvas wrote them
    assert back[2][6] == "7.00" and back[4][6] == "6"  # hand-entered: kept (ada's 10, bob's 7 are listed)
    assert back[3][6] == "5"  # zoë's empty cell filled
    export.export(folder, "moodle", tmp_path / "moodle.csv", roster_path=roster)
    names = {r[0]: r[1] for r in _read(tmp_path / "moodle.csv", "utf-8")}
    assert names["zoë@uni.example"] == "Zoë Ñúñez" and names["ada@uni.example"] == "Adélia Gonçalves"


def test_a_new_gradebook_is_stamped_with_nbgrader_s_schema_revision_without_running_alembic(tmp_path, monkeypatch):
    """nbgrader runs the ``alembic`` command for every new gradebook (about 3 s each);
    course.nbgrader_runner reads the same revision in-process, and once."""
    import subprocess
    import sys
    from pathlib import Path

    import nbgrader.api
    from nbgrader.dbutil import _temp_alembic_ini
    from sqlalchemy import create_engine, text

    from course.nbgrader_runner import alembic_head
    from course.nbgrader_settings import COURSE_ID

    with _temp_alembic_ini("sqlite://") as ini:
        heads = subprocess.run([Path(sys.executable).with_name("alembic"), "-c", ini, "heads"],
                               capture_output=True, text=True, check=True).stdout
    assert heads.split()[0] == alembic_head()

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"a subprocess ran: {args}")

    monkeypatch.setattr(nbgrader.api.sp, "check_output", no_subprocess)
    for name in ("first.db", "second.db"):
        with nbgrader.api.Gradebook(f"sqlite:///{tmp_path / name}", COURSE_ID):
            pass
        with create_engine(f"sqlite:///{tmp_path / name}").connect() as db:
            assert db.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == alembic_head()
