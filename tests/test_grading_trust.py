"""What the grader trusts of what a kernel left behind: evidence files, result files,
seeds and outputs. Fast tests, without kernels."""
import hmac
import io
import json
import os
import shutil
import threading

import nbformat
import numpy as np
import pytest

from course import evidence, feedback, gradebook, submissions
from course.grade_worker import rejudge
from course.kernel_execute import seal
from grader_tests.guard import SIGNED_SUFFIX, signed_message
from course.lessons import SOURCE_DIR
from course.hidden_seed import SeedHiddenTests, exercise_seed, seed_for, seeded
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



GUARD_KEY, RUN_SEED = b"k" * 32, 7


def _signed(output, key=GUARD_KEY):
    """Evidence as the kernel's guard writes it, signed with ``key``."""
    buffer = io.BytesIO()
    np.savez(buffer, output=output)
    message = signed_message("square_model", str(exercise_seed(RUN_SEED, "square_model")), buffer.getvalue())
    return hmac.digest(key, message, "sha256") + buffer.getvalue()


def _folders(tmp_path):
    evidence_dir, sealed_dir = tmp_path / "evidence", tmp_path / "sealed"
    evidence_dir.mkdir()
    sealed_dir.mkdir()
    return evidence_dir, sealed_dir, evidence_dir / f"square_model{SIGNED_SUFFIX}"


def _seal(evidence_dir, sealed_dir):
    seal(evidence_dir, sealed_dir, "square_model", GUARD_KEY, RUN_SEED)


def test_sealed_evidence_cannot_be_written_through_a_file_the_kernel_kept_open(tmp_path):
    evidence_dir, sealed_dir, signed = _folders(tmp_path)
    signed.write_bytes(_signed(np.ones(3)))
    with open(signed, "r+b") as kept_open:
        _seal(evidence_dir, sealed_dir)
        kept_open.write(_signed(np.full(3, 7.0)))
    assert evidence.load(sealed_dir / "square_model.npz")["output"].tolist() == [1.0, 1.0, 1.0]


def test_evidence_the_guard_did_not_sign_is_a_forgery_that_scores_nothing(tmp_path):
    evidence_dir, sealed_dir, signed = _folders(tmp_path)
    signed.write_bytes(_signed(np.ones(3), key=b"x" * 32))
    _seal(evidence_dir, sealed_dir)
    assert not (sealed_dir / "square_model.npz").exists()
    verdict = rejudge(LESSON, sealed_dir, RUN_SEED, ["test_square_model"])["test_square_model"]
    assert "tampered" in verdict and "not written by the hidden tests" in verdict


def test_sealing_races_a_kernel_that_swaps_its_evidence_for_a_link(tmp_path):
    """A thread of the kernel's swaps the evidence for a link to a classmate's, again and again, while
    each hidden test ends: whatever is sealed is the kernel's own regular file, never the link."""
    evidence_dir, sealed_dir, signed = _folders(tmp_path)
    classmate = tmp_path / "classmate.signed"
    classmate.write_bytes(_signed(np.full(3, 9.0)))
    own, staged, link = tmp_path / "own.signed", tmp_path / "staged.signed", tmp_path / "link.signed"
    own.write_bytes(_signed(np.ones(3)))
    stop = threading.Event()

    def swap():
        while not stop.is_set():
            shutil.copy(own, staged)
            os.replace(staged, signed)
            link.unlink(missing_ok=True)
            link.symlink_to(classmate)
            os.replace(link, signed)

    swapper = threading.Thread(target=swap)
    swapper.start()
    sealed, seen = sealed_dir / "square_model.npz", set()
    try:
        for _ in range(500):
            _seal(evidence_dir, sealed_dir)
            if os.path.lexists(sealed):
                seen.add("link" if sealed.is_symlink() else evidence.load(sealed)["output"][0])
                sealed.unlink()
    finally:
        stop.set()
        swapper.join()
    assert seen == {1.0}


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


def test_each_hidden_test_gets_its_own_seed_for_as_long_as_it_runs():
    nb = classroom.reference(LESSON)
    before = [c.source for c in nb.cells]
    SeedHiddenTests(seed=4242).preprocess(nb, {})
    changed = [c for c, old in zip(nb.cells, before) if c.source != old]
    assert changed and all(c.metadata["nbgrader"].get("grade") and not c.metadata["nbgrader"].get("solution")
                           for c in changed)
    seeds = set()
    for cell in changed:
        seed = exercise_seed(4242, cell.metadata["nbgrader"]["grade_id"].removeprefix("test_"))
        assert f'"{seed}"' in cell.source.splitlines()[0]
        seeds.add(seed)
        compile(cell.source, "test cell", "exec")
    assert len(seeds) == len(changed)
    namespace = {}
    exec(seeded("import os\nseen = os.environ['COURSE_GRADING_SEED']", 99), namespace)
    assert namespace["seen"] == "99" and "COURSE_GRADING_SEED" not in os.environ


def test_feedback_never_shows_hidden_test_lines_printed_by_the_notebook():
    lines = hidden_test_lines(classroom.reference(LESSON))
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


def test_links_in_the_submissions_folder_are_not_graded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"sol_{LESSON}.ipynb").symlink_to(SOURCE_DIR / LESSON / f"{LESSON}.ipynb")
    elsewhere = tmp_path / "elsewhere"
    classroom.write(classroom.reference(LESSON), elsewhere, "eve", LESSON)
    (folder / "eve").symlink_to(elsewhere / "eve", target_is_directory=True)
    found, problems = submissions.find(folder)
    assert found == [] and len([p for p in problems if "a link" in p]) == 2


def test_a_name_that_looks_like_a_made_up_id_cannot_take_it():
    victim = submissions.safe_student_id("José García")
    assert submissions.safe_student_id(victim) != victim


@pytest.mark.parametrize("content", [b"root:x:0:0:root:/root:/bin/bash\n", b"", "surrogate", "huge"])
def test_unreadable_submissions_are_rejected_without_quoting_them(tmp_path, content):
    from course.grade_worker import read_submission
    from course.submission_file import MAX_SUBMISSION_BYTES

    path = tmp_path / "s.ipynb"
    if content == "surrogate":
        nb = classroom.blank(LESSON)
        nb.cells[0].source = "\ud800"
        path.write_text(json.dumps(nb, ensure_ascii=True))
    elif content == "huge":
        path.write_bytes(b" " * (MAX_SUBMISSION_BYTES + 1))
    else:
        path.write_bytes(content)
    nb, notes, rejection = read_submission(path, LESSON, classroom.blank(LESSON))
    assert nb is None and rejection
    assert "root:" not in rejection and "/bin/bash" not in rejection


def test_feedback_shows_outputs_as_inert_text_and_images():
    nb = classroom.blank(LESSON)
    nb.cells.append(nbformat.v4.new_code_cell("show()", outputs=[nbformat.v4.new_output(
        "display_data", {"text/html": "<script>alert(1)</script>", "application/javascript": "alert(2)",
                         "text/plain": "<IPython.core.display.HTML object>"}, metadata={"pad": "x" * 1000})]))
    clean = feedback.sanitize(nb, classroom.blank(LESSON), {})
    shown = clean.cells[-1].outputs[0]
    assert set(shown.data) == {"text/plain"} and shown.metadata == {}
