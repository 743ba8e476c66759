"""Exports read back the way Moodle, Canvas and nbgrader read them."""
import csv

import pytest

from course import cli, export
from tests import class_results
from tests.class_results import LESSON, OTHER

# What each roster student must get: graded score, 0 when rejected, failed or missing.
EXPECTED = {
    ("ada", LESSON): 10, ("bob", LESSON): 7, ("cyd", LESSON): 5, ("dan", LESSON): 4, ("eve", LESSON): 2,
    ("fay", LESSON): 0, ("gus", LESSON): 0, ("hal", LESSON): 0,
    ("ada", OTHER): 10, ("bob", OTHER): 3,
}
ROSTER = ["ada", "bob", "cyd", "dan", "eve", "fay", "gus", "hal"]


def expected(student, lesson):
    return EXPECTED.get((student, lesson), 0)


@pytest.fixture
def graded(tmp_path):
    return class_results.write(tmp_path / "grading")


def test_moodle_csv_keyed_by_email(graded, tmp_path, capsys):
    folder, roster = graded
    out = tmp_path / "moodle.csv"
    assert cli.main(["export", str(folder), "--format", "moodle", "--roster", str(roster), "--out", str(out)]) == 0
    assert "zed (01_lambda_layers)" in capsys.readouterr().out  # not on the roster: said, not exported
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["Email address", "Full name", LESSON, OTHER]
    by_email = {r["Email address"]: r for r in rows}
    assert set(by_email) == {f"{s}@uni.example" for s in ROSTER}
    for student in ROSTER:
        for lesson in (LESSON, OTHER):
            assert float(by_email[f"{student}@uni.example"][lesson]) == expected(student, lesson)
    assert by_email["ada@uni.example"]["Full name"] == "Ada Lovelace"


def test_moodle_csv_keyed_by_username(graded, tmp_path):
    folder, roster = graded
    out = tmp_path / "moodle.csv"
    export.export(folder, "moodle", out, roster_path=roster, key="username")
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
    ["Lovelace, Ada", "11", "2024001", "ada.l", "Turma A", "4", "", "", "80", "80"],
    ["Souza, Bob", "12", "2024002", "BOB@uni.example", "Turma A", "5", "3", "", "90", "90"],
    ["Reis, Hal", "18", "2024008", "hal.r", "Turma B", "", "", "", "", ""],
    ["Other, Someone", "19", "2024099", "someone", "Turma B", "2", "7", "", "40", "40"],
    ["Student, Test", "20", "", "", "Turma A", "", "", "", "", ""],
]


def _write_canvas(path, rows, bom=True):
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        csv.writer(f).writerows(rows)


def test_canvas_fills_the_lesson_columns_and_leaves_the_rest(graded, tmp_path, capsys):
    folder, roster = graded
    template, out = tmp_path / "canvas_export.csv", tmp_path / "canvas_import.csv"
    _write_canvas(template, CANVAS)
    assert cli.main(["export", str(folder), "--format", "canvas", "--roster", str(roster),
                     "--template", str(template), "--out", str(out)]) == 0
    assert "no row in the Canvas file" in capsys.readouterr().out  # cyd, dan, ... are not in this small template
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Canvas's own encoding kept
    with open(out, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, points = rows[0], rows[1]
    assert header == CANVAS[0] and points == CANVAS[1]
    column = {title.split(" (")[0]: i for i, title in enumerate(header)}
    students = {row[3].lower(): row for row in rows[2:]}
    assert float(students["ada.l"][column[LESSON]]) == 10 and float(students["ada.l"][column[OTHER]]) == 10
    assert float(students["bob@uni.example"][column[LESSON]]) == 7  # matched by email, case aside
    assert float(students["hal.r"][column[LESSON]]) == 0  # on the roster, nothing handed in
    for before, after in zip(CANVAS[2:], rows[2:]):
        untouched = [i for i in range(len(header)) if i not in (column[LESSON], column[OTHER])]
        assert [before[i] for i in untouched] == [after[i] for i in untouched]
    assert rows[5] == CANVAS[5] and rows[6] == CANVAS[6]  # students we do not know: every cell as it was


def test_canvas_says_which_lesson_has_no_column(graded, tmp_path):
    folder, roster = graded
    template = tmp_path / "canvas_export.csv"
    _write_canvas(template, [row[:7] for row in CANVAS], bom=False)
    notes = export.export(folder, "canvas", tmp_path / "out.csv", roster_path=roster, template=template)
    assert any(note.startswith(f"{OTHER}: no assignment column") for note in notes)
    assert not (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_canvas_refuses_a_file_that_is_not_a_canvas_export(graded, tmp_path):
    folder, roster = graded
    template = tmp_path / "grades.csv"
    template.write_text("name,grade\nada,10\n")
    with pytest.raises(export.ExportError, match="not a Canvas gradebook export"):
        export.export(folder, "canvas", tmp_path / "out.csv", roster_path=roster, template=template)
    with pytest.raises(export.ExportError, match="--template"):
        export.export(folder, "canvas", tmp_path / "out.csv", roster_path=roster)


def test_nbgrader_gradebook_as_nbgrader_export_reads_it(graded, tmp_path):
    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin

    from course.nbgrader_settings import COURSE_ID

    folder, roster = graded
    db = tmp_path / "gradebook.db"
    export.export(folder, "nbgrader", db, roster_path=roster)
    export.export(folder, "nbgrader", db, roster_path=roster)  # a second export updates, it does not duplicate
    grades_csv = tmp_path / "grades.csv"
    with Gradebook(f"sqlite:///{db}", COURSE_ID) as gb:
        CsvExportPlugin(to=str(grades_csv)).export(gb)
        assert gb.find_student("ada").email == "ada@uni.example" and gb.find_student("ada").last_name == "Lovelace"
        assert gb.find_assignment(LESSON).max_score == 10
    with open(grades_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * len(ROSTER)  # every roster student, every lesson; zed is not on the roster
    for row in rows:
        assert float(row["score"]) == expected(row["student_id"], row["assignment"]), row
        assert float(row["max_score"]) == 10
