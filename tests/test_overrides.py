"""An instructor's score for one exercise counts everywhere and outlives grading again; feedback goes out
per student."""
import csv
import json
import zipfile

import pytest

from course import cli, export, overrides
from tests import class_results
from tests.class_results import LESSON

PAGE = "<!DOCTYPE html><html><head><title>x</title></head><body class='jp'><h1>{student}</h1></body></html>"


@pytest.fixture
def graded(tmp_path):
    folder, roster = class_results.write(tmp_path / "grading")
    for r in class_results.results():
        page = folder / "feedback" / r["student"] / f"{r['lesson']}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(student=r["student"]))
    return folder, roster


def _gradebook(folder):
    with open(folder / "gradebook.csv", newline="", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def test_an_override_counts_in_the_gradebook_report_and_feedback_page(graded, capsys):
    folder, _ = graded
    assert cli.main(["override", str(folder), "bob", LESSON, "classifier", "2.5", "--reason", "right idea"]) == 0
    row = _gradebook(folder)["bob"]
    assert row[f"{LESSON}:classifier"] == "2.5" and row[f"{LESSON}:total"] == "9.5"
    assert row["overrides"] == f"{LESSON}:classifier 2.5 (autograder 0): right idea"
    page = (folder / "feedback" / "bob" / f"{LESSON}.html").read_text()
    assert page.index("instructor-note") < page.index("<h1>bob</h1>")
    assert "classifier: 2.5 points (the autograder gave 0): right idea" in page and "9.5 / 10" in page
    assert 'data-key="mean">' in (folder / "report.html").read_text()
    assert json.loads((folder / overrides.FILE_NAME).read_text())[0]["points"] == 2.5

    assert cli.main(["override", str(folder), "bob", LESSON, "classifier", "3", "--reason", "<b>all</b>"]) == 0
    page = (folder / "feedback" / "bob" / f"{LESSON}.html").read_text()
    assert page.count("instructor-note\"") == 1 and "&lt;b&gt;all&lt;/b&gt;" in page and "2.5 points" not in page

    assert cli.main(["override", str(folder), "bob", LESSON, "classifier", "--remove"]) == 0
    assert (folder / "feedback" / "bob" / f"{LESSON}.html").read_text() == PAGE.format(student="bob")
    assert _gradebook(folder)["bob"][f"{LESSON}:total"] == "7"


@pytest.mark.parametrize("args, message", [
    (["hal", LESSON, "square", "1"], "no result of hal"),
    (["fay", LESSON, "square", "1"], "was not graded"),
    (["bob", LESSON, "nothing", "1"], "no exercise 'nothing'"),
    (["bob", LESSON, "square", "3"], "worth 0 to 2 points"),
])
def test_an_override_that_fits_no_graded_exercise_is_refused(graded, capsys, args, message):
    folder, _ = graded
    assert cli.main(["override", str(folder), *args, "--reason", "r"]) == 2
    assert message in capsys.readouterr().err
    assert not (folder / overrides.FILE_NAME).exists()


def test_an_override_outlives_a_new_result_and_reaches_every_export(graded, tmp_path):
    folder, roster = graded
    overrides.set_score(folder, overrides.Override("bob", LESSON, "classifier", 3.0, "regraded by hand"))
    path = folder / "results" / LESSON / "bob.json"  # grading again writes a new result, as --force does
    path.write_text(json.dumps({**json.loads(path.read_text()), "seconds": 99.0}))
    export.export(folder, "moodle", tmp_path / "moodle.csv", roster_path=roster, skip_unmatched=True)
    with open(tmp_path / "moodle.csv", newline="") as f:
        assert {r["Email address"]: r[LESSON] for r in csv.DictReader(f)}["bob@uni.example"] == "10"
    db = tmp_path / "nbgrader" / "gradebook.db"
    db.parent.mkdir()
    export.export(folder, "nbgrader", db, roster_path=roster, skip_unmatched=True)
    from nbgrader.api import Gradebook

    from course.nbgrader_settings import COURSE_ID
    with Gradebook(f"sqlite:///{db}", COURSE_ID) as gb:
        grade = gb.find_grade("test_classifier", LESSON, LESSON, "bob")
        assert (grade.auto_score, grade.manual_score) == (0.0, 3.0)  # formgrader shows it as a manual grade
        grade.manual_score = 1.0  # then the instructor grades it by hand in formgrader
        gb.db.commit()
    outcome = export.export(folder, "nbgrader", db, roster_path=roster, skip_unmatched=True)
    assert [(c.column, c.old, c.new, c.written) for c in outcome.changes] == [
        (f"{LESSON}:test_classifier", "1", "3", False)]
    with Gradebook(f"sqlite:///{db}", COURSE_ID) as gb:
        assert gb.find_grade("test_classifier", LESSON, LESSON, "bob").manual_score == 1.0  # kept


def test_feedback_release_writes_a_folder_or_zip_per_student_named_as_the_platform_knows_them(graded, tmp_path,
                                                                                              capsys):
    folder, roster = graded
    overrides.set_score(folder, overrides.Override("bob", LESSON, "classifier", 3.0, "fine"))
    assert cli.main(["feedback", "release", str(folder), "--out", str(tmp_path / "zips"), "--zip",
                     "--key", "email", "--roster", str(roster)]) == 0
    assert "zed: not on the roster" in capsys.readouterr().out
    with zipfile.ZipFile(tmp_path / "zips" / "bob@uni.example.zip") as archive:
        assert sorted(archive.namelist()) == sorted(f"{lesson}.html" for lesson in (LESSON, class_results.OTHER))
        assert "fine" in archive.read(f"{LESSON}.html").decode()
    assert len(list((tmp_path / "zips").iterdir())) == 7  # the roster's graded students; hal handed in nothing
    assert cli.main(["feedback", "release", str(folder), "--out", str(tmp_path / "folders")]) == 0
    assert (tmp_path / "folders" / "zed" / f"{LESSON}.html").read_text() == PAGE.format(student="zed")
