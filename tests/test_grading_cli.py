"""``python -m course grade``'s promises: it says whose a failure is, refuses to grade
anyone when grading cannot work here, and grades a notebook again when it changed."""
import shutil

from course import cli, demo, grading, notebook_format, preflight, sandbox
from course.lessons import RELEASE_DIR
from tests import classroom

LESSON = "01_lambda_layers"


def test_without_a_sandbox_nobody_is_graded_unless_asked(tmp_path, monkeypatch, capsys):
    (tmp_path / "in").mkdir()
    classroom.write_flat(classroom.blank(LESSON), tmp_path / "in", "ann", LESSON)
    monkeypatch.setattr(sandbox, "bubblewrap_works", lambda: False)
    assert cli.main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 2
    assert "--no-sandbox" in capsys.readouterr().err
    assert not (tmp_path / "out" / "results").exists()


def test_a_broken_grading_kernel_stops_the_run_before_anyone_is_graded(tmp_path, monkeypatch, capsys):
    (tmp_path / "in").mkdir()
    classroom.write_flat(classroom.reference(LESSON), tmp_path / "in", "ann", LESSON)
    monkeypatch.setattr(preflight, "_passed", set())
    monkeypatch.setattr(sandbox, "python_folders", lambda hidden=(): [])  # the kernel's Python is missing
    assert cli.main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                     *([] if sandbox.bubblewrap_works() else ["--no-sandbox"])]) == 2
    err = capsys.readouterr().err
    assert "grading did not start" in err and "venv" in err
    assert not (tmp_path / "out" / "results").exists()


def test_a_grader_failure_is_an_error_and_the_exit_status_says_so(tmp_path, monkeypatch, capsys):
    (tmp_path / "in").mkdir()
    classroom.write_flat(classroom.blank(LESSON), tmp_path / "in", "ann", LESSON)
    real = grading.prepare_templates

    def without_release(lessons, folder):
        templates = real(lessons, folder)
        for template in templates.values():
            template["release_notebook"] += ".gone"
        return templates

    monkeypatch.setattr(grading, "prepare_templates", without_release)
    assert cli.main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                     *([] if sandbox.bubblewrap_works() else ["--no-sandbox"])]) == 1
    captured = capsys.readouterr()
    assert "the grading failed (not the student's fault)" in captured.err
    page = (tmp_path / "out" / "feedback" / "ann" / f"{LESSON}.html").read_text()
    assert "not because of your work" in page and "Traceback" not in page and str(tmp_path) not in page
    assert "Traceback" in (tmp_path / "out" / "logs" / LESSON / "ann.log").read_text()


def test_self_study_grades_a_changed_notebook_again_and_always_shows_the_score(tmp_path, capsys):
    mine = tmp_path / "my.ipynb"
    shutil.copy(RELEASE_DIR / LESSON / f"{LESSON}.ipynb", mine)
    args = ["grade", str(mine), "--lesson", LESSON, "--out", str(tmp_path / "grade"),
            *([] if sandbox.bubblewrap_works() else ["--no-sandbox"])]
    assert cli.main(args) == 0
    first = capsys.readouterr().out
    assert "0/10" in first and "square_model" in first
    # the instructor's score for one exercise outlives grading again
    assert cli.main(["override", str(tmp_path / "grade"), "me", LESSON, "square_model", "2", "--reason", "ok"]) == 0

    assert cli.main(args) == 0
    unchanged = capsys.readouterr().out
    assert "already graded: 1, to grade: 0" in unchanged and "2/10" in unchanged

    nb = classroom.blank(LESSON)
    nb.cells[0].source += "\n\nMy notes."
    notebook_format.write(nb, mine)
    assert cli.main(args) == 0
    changed = capsys.readouterr().out
    assert "already graded: 0, to grade: 1" in changed and "2/10" in changed
    assert "square_model: 2 points (the autograder gave 0): ok" in (
        tmp_path / "grade" / "feedback" / "me" / f"{LESSON}.html").read_text()


def test_the_demo_fails_unless_references_get_everything_and_blanks_nothing():
    def result(student, score, status="graded"):
        return {"student": student, "lesson": LESSON, "score": score, "max_score": 10, "status": status,
                "message": "why"}

    assert demo.unexpected([result("reference", 10), result("blank", 0), result("half_done", 4)]) == []
    assert len(demo.unexpected([result("reference", 0), result("blank", 0)])) == 1
    assert len(demo.unexpected([result("reference", 10), result("blank", 2)])) == 1
    assert len(demo.unexpected([result("reference", 0, "error"), result("blank", 0)])) == 1
