"""The class report shows the gradebook's numbers, readable figures and everything that needs attention."""
import base64
import csv
import io
import json
import re
import statistics

import matplotlib.image
import numpy as np
import pytest

from course import cli, report
from course.grade_worker import file_digest
from tests import class_results
from tests.class_results import LESSON, MAX, OTHER


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    folder, roster = class_results.write(tmp_path_factory.mktemp("class") / "grading")
    assert cli.main(["report", str(folder), "--roster", str(roster)]) == 0
    return folder, (folder / report.FILE_NAME).read_text()


def _gradebook(folder):
    with open(folder / "gradebook.csv", newline="") as f:
        return list(csv.DictReader(f))


def _cell(page, exercise, key):
    row = re.search(rf'<tr data-exercise="{exercise}">(.*?)</tr>', page[page.index(f'id="lesson-{LESSON}"'):]).group(1)
    return re.search(rf'data-key="{key}">(.*?)</td>', row).group(1)


def _stat(page, lesson, key):
    block = page[page.index(f'<dl class="stats" data-lesson="{lesson}">'):]
    return re.search(rf'data-key="{key}">(.*?)</dd>', block).group(1)


def test_exercise_numbers_match_the_gradebook(graded_class):
    folder, page = graded_class
    rows = [r for r in _gradebook(folder) if r[f"{LESSON}:status"] == "graded"]
    for exercise, points in MAX.items():
        scores = [float(r[f"{LESSON}:{exercise}"]) for r in rows]
        assert _cell(page, exercise, "mean") == f"{statistics.fmean(scores):.2f}"
        assert _cell(page, exercise, "full") == f"{100 * sum(s == points for s in scores) / len(scores):.0f} %"
        assert _cell(page, exercise, "zero") == f"{100 * sum(s == 0 for s in scores) / len(scores):.0f} %"
        assert _cell(page, exercise, "difficulty") == f"{statistics.fmean(scores) / points:.2f}"
    totals = [float(r[f"{LESSON}:total"]) for r in rows]
    rest = [t - float(r[f"{LESSON}:rescale"]) for t, r in zip(totals, rows)]
    expected = np.corrcoef([float(r[f"{LESSON}:rescale"]) for r in rows], rest)[0, 1]
    assert _cell(page, "rescale", "discrimination") == f"{expected:.2f}"
    assert _stat(page, LESSON, "graded") == str(len(rows)) == "6"
    assert _stat(page, LESSON, "mean") == f"{statistics.fmean(totals):.2f}"
    assert _stat(page, LESSON, "highest") == f"{max(totals):g}"


def test_the_histogram_counts_the_gradebook_totals(graded_class):
    folder, page = graded_class
    totals = [float(r[f"{LESSON}:total"]) for r in _gradebook(folder) if r[f"{LESSON}:status"] == "graded"]
    section = page[page.index(f'id="lesson-{LESSON}"'):page.index(f'id="lesson-{OTHER}"')]
    image, alt = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', section).groups()
    for points in range(sum(MAX.values()) + 1):
        assert f"{points} points: {totals.count(points)};" in alt or f"{points} points: {totals.count(points)}." in alt
    pixels = matplotlib.image.imread(io.BytesIO(base64.b64decode(image)), format="png")
    assert pixels.shape[1] >= 900 and pixels[..., :3].std() > 0.05  # a wide picture with something drawn


def test_item_analysis_flags_and_explains_undefined_values(graded_class):
    _, page = graded_class
    text = re.sub(r'src="data:[^"]*"', "", page)
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)  # never an unexplained nan
    assert "undefined: every student scored the same here" in _cell(page, "square", "discrimination")
    assert "too easy" in re.search(r'<tr data-exercise="square">.*?</tr>', page).group(0)
    assert "too hard" in re.search(r'<tr data-exercise="classifier">.*?</tr>', page).group(0)
    assert "too hard" not in re.search(r'<tr data-exercise="rescale">.*?</tr>', page).group(0)


def test_commonest_failure_messages_with_counts(graded_class):
    _, page = graded_class
    # rescale was lost by cyd, eve and zed, all with the same message
    assert f'<li data-count="3"><b>3 ×</b> rescale returned the wrong values</li>' in page
    assert "3 of 6 lost points" in page


def test_not_graded_missing_and_strangers_are_listed(graded_class):
    _, page = graded_class
    not_graded = page[page.index('id="not-graded"'):page.index('id="missing"')]
    assert "fay" in not_graded and "rejected" in not_graded and "File &gt; Download .ipynb" in not_graded
    assert "gus" in not_graded and "error" in not_graded and "900 s" in not_graded
    assert set(re.findall(r'data-missing="(\w+)" data-lesson="01_lambda_layers"', page)) == {"hal"}
    assert set(re.findall(rf'data-missing="(\w+)" data-lesson="{OTHER}"', page)) == {
        "cyd", "dan", "eve", "fay", "gus", "hal"}
    assert re.findall(r'data-stranger="(\w+)"', page) == ["zed"]
    assert "could not be graded" in page[:page.index("<h2")]  # announced at the top


def test_grading_time_of_every_submission_slowest_first(graded_class):
    _, page = graded_class
    times = page[page.index('id="time"'):]
    assert times.count("<tr><td>") == len(class_results.results())
    assert times.index("gus") < times.index("ada") and "900.0" in times


def test_report_without_roster_says_how_to_get_the_missing(tmp_path):
    folder, _ = class_results.write(tmp_path / "grading")
    page = report.write_report(folder).read_text()
    assert "No roster was given" in page and "data-missing" not in page


def test_the_roster_is_kept_for_the_next_run(graded_class):
    folder, page = graded_class
    assert (folder / "roster.csv").is_file()
    assert 'data-missing="hal"' in report.write_report(folder).read_text()


def test_a_bad_roster_is_refused_with_what_to_fix(tmp_path):
    folder, _ = class_results.write(tmp_path / "grading")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\nada,Ada\n")
    assert cli.main(["report", str(folder), "--roster", str(bad)]) == 2
    bad.write_text("student id,name,email\nada,Ada,a@x\nada,Ada again,b@x\n")
    with pytest.raises(report.roster.RosterError, match="listed twice"):
        report.write_report(folder, bad)


def test_grade_writes_the_report_with_its_roster_and_copies(tmp_path):
    from course import grading

    folder, roster = class_results.write(tmp_path / "grading")
    handed_in = tmp_path / "submitted" / "ada" / LESSON / "notebook.ipynb"
    handed_in.parent.mkdir(parents=True)
    handed_in.write_text("{}")
    result = folder / "results" / LESSON / "ada.json"  # graded already: the run only rewrites
    result.write_text(json.dumps({**json.loads(result.read_text()), "sha256": file_digest(handed_in)}))
    grading.grade(tmp_path / "submitted", folder, roster_path=roster, detect_copies=True, no_sandbox=True,
                  stream=io.StringIO())
    page = (folder / report.FILE_NAME).read_text()
    assert 'data-missing="hal"' in page and 'id="copies"' in page
    assert (folder / "similarity" / "index.html").is_file() and (folder / "roster.csv").is_file()
