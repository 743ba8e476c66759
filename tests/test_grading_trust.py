"""What the grader trusts of what a kernel left behind: evidence files, result files,
seeds and outputs. Fast tests, without kernels."""
import json
import os

import nbformat
import numpy as np
import pytest

from course import evidence, feedback, gradebook, submissions
from course.hidden_seed import SeedHiddenTests, seed_for
from course.release import hidden_test_lines
from tests import classroom

LESSON = "01_lambda_layers"


def test_evidence_is_read_back_exactly(tmp_path):
    path = tmp_path / "e.npz"
    saved = {"x": np.arange(6.0).reshape(2, 3), "flag": np.array(True), "f": np.asfortranarray(np.eye(3, 2))}
    np.savez(path, **saved)
    loaded = evidence.load(path)
    assert set(loaded) == set(saved)
    for name, array in saved.items():
        assert loaded[name].dtype == array.dtype and np.array_equal(loaded[name], array)


@pytest.mark.parametrize("make", ["symlink", "fifo", "zip_bomb", "objects", "not_zip", "folder"])
def test_evidence_that_a_kernel_could_forge_is_refused(tmp_path, make):
    real = tmp_path / "classmate.npz"
    np.savez(real, output=np.ones(3))
    path = tmp_path / "square_model.npz"
    if make == "symlink":
        path.symlink_to(real)
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "zip_bomb":
        np.savez_compressed(path, output=np.zeros((4096, 4096)))
    elif make == "objects":
        np.savez(path, output=np.array([{"a": 1}], dtype=object))
    elif make == "not_zip":
        path.write_bytes(b"forged")
    else:
        path.mkdir()
    with pytest.raises(evidence.BadEvidence):
        evidence.load(path)


def _result(student="ann", lesson=LESSON, score=2.0):
    return {"student": student, "lesson": lesson, "status": "graded", "message": "",
            "cells": [{"id": "test_a", "exercise": "a", "score": score, "max": 2.0, "message": ""}],
            "score": score, "max_score": 2.0, "seconds": 1.0}


@pytest.mark.parametrize("change", [
    lambda r: r.update(student="cheater"),
    lambda r: r.update(lesson="02_custom_layers"),
    lambda r: r.update(score=10.0),
    lambda r: r["cells"][0].update(score=5.0, max=2.0),
    lambda r: r.update(status="perfect"),
    lambda r: r.pop("cells"),
])
def test_damaged_or_forged_results_are_left_out(tmp_path, change):
    result = _result()
    change(result)
    path = tmp_path / "results" / LESSON / "ann.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(result))
    assert gradebook.read_result(path, "ann", LESSON) is None
    assert gradebook.load_results(tmp_path / "results") == []


def test_a_result_for_a_lesson_nobody_took_does_not_raise_max_total(tmp_path):
    results = tmp_path / "results"
    for lesson, student in ((LESSON, "ann"), ("99_forged", "ann")):
        (results / lesson).mkdir(parents=True)
        (results / lesson / f"{student}.json").write_text(json.dumps(_result(student, lesson)))
    loaded = gradebook.load_results(results)
    assert [r["lesson"] for r in loaded] == [LESSON]
    gradebook.write_gradebook(loaded, tmp_path / "gradebook.csv")
    header, row = (line.split(",") for line in (tmp_path / "gradebook.csv").read_text().splitlines())
    assert dict(zip(header, row))["max_total"] == "2"


def test_each_student_gets_hidden_inputs_of_their_own():
    seeds = {seed_for(7, student, LESSON) for student in ("ann", "bob", "cy")}
    assert len(seeds) == 3
    assert seed_for(7, "ann", LESSON) == seed_for(7, "ann", LESSON) != seed_for(8, "ann", LESSON)


def test_the_seed_is_written_into_hidden_tests_only():
    nb = classroom.reference(LESSON)
    before = [c.source for c in nb.cells]
    step = SeedHiddenTests(seed=4242)
    step.preprocess(nb, {})
    changed = [c for c, old in zip(nb.cells, before) if c.source != old]
    assert changed and all(c.metadata["nbgrader"].get("grade") and not c.metadata["nbgrader"].get("solution")
                           for c in changed)
    assert all('"4242"' in c.source.splitlines()[0] for c in changed)


def test_feedback_never_shows_hidden_test_lines_printed_by_the_notebook():
    lines = hidden_test_lines(LESSON)
    nb = classroom.reference(LESSON)
    stolen = "\n".join(sorted(lines)[:3])
    nb.cells.append(nbformat.v4.new_code_cell("print(captured)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=stolen),
        nbformat.v4.new_output("execute_result", {"text/plain": repr(stolen)}, execution_count=3),
        nbformat.v4.new_output("stream", name="stdout", text="an honest line\n")]))
    release = classroom.blank(LESSON)
    tests = {c.metadata["nbgrader"]["grade_id"]: None for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")}
    clean = feedback.sanitize(nb, release, tests, lines, notes=["a note"])
    text = "\n".join(c.source + "".join(feedback._output_text(o) for o in c.get("outputs", [])) for c in clean.cells)
    assert not [line for line in lines if line in text]
    assert "an honest line" in text and feedback.HIDDEN_OUTPUT.strip() in text
    assert "a note" in clean.cells[0].source


@pytest.mark.parametrize("name", ["zoë", "ann lee", "a..b", "x" * 80, "José María"])
def test_any_file_name_is_graded_under_a_safe_id(tmp_path, name):
    classroom.write_flat(classroom.blank(LESSON), tmp_path, name, LESSON)
    classroom.write_flat(classroom.blank(LESSON), tmp_path, "ann", LESSON)
    found, problems = submissions.find(tmp_path)
    assert not problems
    by_name = {s.submitted_as: s for s in found}
    safe = by_name[name].student
    assert submissions.STUDENT_ID.match(safe) and safe != by_name["ann"].student and ".." not in safe
    assert by_name["ann"].student == "ann"
