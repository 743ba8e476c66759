"""Nothing the course runs loses a student's work in ``notebooks/``: the demo builds into its own
folder, and ``build`` replaces only the notebooks the course wrote there."""
import shutil
import subprocess

import nbformat
import pytest

from course import cli, demo, grading, notebook_format, release, student_work
from course.lessons import RELEASE_DIR, notebook_name

LESSON = "01_lambda_layers"
NOTEBOOK = f"{LESSON}/{notebook_name(LESSON)}"


def test_the_demo_builds_its_release_in_its_own_folder(tmp_path, monkeypatch):
    built_into = []
    real_generate = release.generate

    def generate(lesson_id, release_dir, *args, **kwargs):
        built_into.append(release_dir)
        return real_generate(lesson_id, release_dir, *args, **kwargs)

    monkeypatch.setattr(release, "generate", generate)
    monkeypatch.setattr(grading, "grade", lambda submitted, out, **kwargs: {"submitted": submitted})
    summary = demo.run(tmp_path / "demo", lessons=[LESSON])
    assert built_into == [tmp_path / "demo" / "release"]
    blank = summary["submitted"] / "blank" / NOTEBOOK
    assert blank.read_text() == (tmp_path / "demo" / "release" / NOTEBOOK).read_text()


def _notebook(*sources):
    return notebook_format.dumps(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]))


def _install(tmp_path, text, force=False):
    built = tmp_path / "built"
    shutil.rmtree(built, ignore_errors=True)
    (built / LESSON).mkdir(parents=True)
    (built / NOTEBOOK).write_text(text)
    return student_work.install(built, tmp_path / "notebooks", force=force)


def test_a_build_replaces_what_the_last_build_wrote_and_nothing_a_student_edited(tmp_path):
    release_dir = tmp_path / "notebooks"
    assert _install(tmp_path, _notebook("raise NotImplementedError()")) == [release_dir / NOTEBOOK]
    assert _install(tmp_path, _notebook("# new\nraise NotImplementedError()")) == [release_dir / NOTEBOOK]

    answered = nbformat.reads((release_dir / NOTEBOOK).read_text(), as_version=4)
    answered.cells[0].source = "answer = 42"
    (release_dir / NOTEBOOK).write_text(nbformat.writes(answered))
    with pytest.raises(student_work.EditedNotebooks) as refused:
        _install(tmp_path, _notebook("# newer\nraise NotImplementedError()"))
    assert refused.value.paths == [release_dir / NOTEBOOK]
    assert "answer = 42" in (release_dir / NOTEBOOK).read_text()

    _install(tmp_path, _notebook("# newer\nraise NotImplementedError()"), force=True)
    assert "answer = 42" not in (release_dir / NOTEBOOK).read_text()


def test_a_build_replaces_the_committed_notebook(tmp_path):
    release_dir = tmp_path / "notebooks"
    (release_dir / LESSON).mkdir(parents=True)
    (release_dir / NOTEBOOK).write_text(_notebook("raise NotImplementedError()"))
    git = ["git", "-C", str(release_dir), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "release"]):
        subprocess.run(git + command, check=True)
    assert _install(tmp_path, _notebook("# new\nraise NotImplementedError()")) == [release_dir / NOTEBOOK]


def test_build_refuses_to_replace_an_edited_notebook_unless_forced(tmp_path, monkeypatch, capsys):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(RELEASE_DIR, notebooks)
    mine = notebooks / NOTEBOOK
    nb = notebook_format.read(mine)
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")).source = "my graded answer"
    notebook_format.write(nb, mine)
    monkeypatch.setattr(cli, "RELEASE_DIR", notebooks)

    assert cli.main(["build", "--lesson", LESSON]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and str(mine) in err and "--force" in err
    assert "my graded answer" in mine.read_text()

    assert cli.main(["build", "--lesson", LESSON, "--force"]) == 0
    assert mine.read_text() == (RELEASE_DIR / NOTEBOOK).read_text()
