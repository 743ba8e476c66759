"""One real grading run of a class downloaded from Canvas, Moodle and the nbgrader exchange, accented names
and all: every roster student who handed in is graded under the roster's id, none is missing or exported 0."""
import csv

import pytest

from course import cli, notebook_format, sandbox
from course.submissions import safe_student_id
from tests import classroom, lms_downloads
from tests.lms_downloads import LESSON


@pytest.mark.slow  # grades five notebooks: about 3 minutes on 2 cores
def test_a_downloaded_class_with_accented_names_round_trips(tmp_path, capsys):
    blank = classroom.blank(LESSON)
    folder, people = lms_downloads.write(tmp_path / "downloads", notebook_format.dumps(blank))
    (tmp_path / "roster.csv").write_bytes(people.replace(",", ";").encode("cp1252"))
    out = tmp_path / "grading"
    assert cli.main(["grade", str(folder), "--out", str(out), "--roster", str(tmp_path / "roster.csv"),
                     *([] if sandbox.bubblewrap_works() else ["--no-sandbox"])]) == 0
    with open(out / "gradebook.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    handed_in = ("ada", "joão_silva", "maria clara", "zoë", "bob")
    assert sorted(rows) == sorted(safe_student_id(s) for s in handed_in)
    assert all(rows[safe_student_id(s)][f"{LESSON}:status"] == "graded" for s in handed_in)
    assert rows[safe_student_id("joão_silva")][f"{LESSON}:submitted_at"] == "late"
    page = (out / "report.html").read_text()
    assert 'data-missing="hal"' in page and page.count("data-missing=") == 1 and "data-stranger" not in page
    assert cli.main(["export", str(out), "--format", "moodle", "--out", str(tmp_path / "moodle.csv")]) == 0
    with open(tmp_path / "moodle.csv", newline="", encoding="utf-8") as f:
        moodle = {r["Email address"]: r for r in csv.DictReader(f)}
    assert moodle["zoe@uni.example"]["Full name"] == "Zoë Núñez" and len(moodle) == 6
