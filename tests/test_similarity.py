"""Copy detection flags disguised copies and leaves independent correct answers alone."""
import importlib
import itertools
import json

import pytest
from copydetect.utils import filter_code

from course import notebook_format, similarity
from course.lessons import lesson_ids
from tests.inprocess import mutate, release_notebook, source_notebook


def _write(folder, student, lesson, nb):
    notebook_format.write(nb, folder / f"{student}_{lesson}.ipynb")


def _disguised(lesson):
    nb = source_notebook(lesson)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = similarity.disguise(cell.source)
    return nb


def _alternative_students(lesson):
    """The reference and students made of the lesson's alternative answers: student j takes the
    j-th alternative of every exercise that has one (and the reference answer elsewhere)."""
    checks = importlib.import_module(f"tests.test_lesson{lesson[:2]}_checks")
    alternatives = [*checks.ALTERNATIVES, *getattr(checks, "SLOW_ALTERNATIVES", [])]  # text only: none is run here
    by_cell = {}
    for alternative in alternatives:
        by_cell.setdefault(alternative.cell, []).append(alternative)
    students = {"reference": source_notebook(lesson)}
    for j in range(max(map(len, by_cell.values()))):
        nb = source_notebook(lesson)
        for choices in by_cell.values():
            if j < len(choices):
                mutate(nb, choices[j])
        students[f"alternative{j}"] = nb
    return students


def _tokens_by_exercise(nb):
    return {grade_id: filter_code(code, "answer.py", "python")[0]
            for grade_id, code in similarity.answer_cells(nb).items()}


def test_disguise_changes_names_comments_and_spacing_only():
    code = "def f(lam, x=2):\n    y = g(lam=lam, x=x)  # sum\n    self.lam = lam\n    return [v for v in y]\n"
    disguised = similarity.disguise(code)
    assert "lam_mine" in disguised and "g (lam =lam_mine" in disguised and "self .lam =" in disguised
    assert "# sum" not in disguised and disguised != code
    assert filter_code(disguised, "a.py", "python")[0] == filter_code(code, "a.py", "python")[0]


def test_a_disguised_copy_is_flagged_and_nothing_else(tmp_path):
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    for lesson in lesson_ids():
        _write(submitted, "ada", lesson, source_notebook(lesson))
        _write(submitted, "copycat", lesson, _disguised(lesson))
        _write(submitted, "blank", lesson, release_notebook(lesson))
    (submitted / "broken_01_lambda_layers.ipynb").write_text("{ not json")
    result = similarity.run(submitted, tmp_path / "similarity")

    flagged = {(p.lesson, p.a, p.b) for p in result["flagged"]}
    assert flagged == {(lesson, "ada", "copycat") for lesson in lesson_ids()}
    assert all(p.score == pytest.approx(1.0) for p in result["flagged"])
    assert any("broken_01_lambda_layers.ipynb" in p and "not a readable notebook" in p for p in result["problems"])

    index = result["index"].read_text()
    assert index.count("side by side</a>") >= len(lesson_ids()) and "broken_01_lambda_layers" in index
    page = tmp_path / "similarity" / result["flagged"][0].page
    text = page.read_text()
    assert text.count("<pre>") == 2 and "<mark>" in text and "_mine" in text
    assert "NotImplementedError" not in text.split("<mark>", 1)[1]  # release code never highlighted as shared
    saved = json.loads((tmp_path / "similarity" / "pairs.json").read_text())
    assert sum(p["flagged"] for p in saved["pairs"]) == len(lesson_ids())


def test_the_blank_release_shares_nothing(tmp_path):
    lesson = "01_lambda_layers"
    _write(tmp_path, "one", lesson, release_notebook(lesson))
    _write(tmp_path, "two", lesson, release_notebook(lesson))
    pairs, _, _ = similarity.compare(similarity.submissions.find(tmp_path)[0])
    assert pairs == []


def test_independent_correct_answers_are_not_flagged(tmp_path):
    """Submissions that differ, after tokenising, in every exercise of a lesson are not copies.

    Two submissions identical in all exercises but one are near-copies by any
    measure and are not part of this test (see ``course.similarity``).
    """
    independent, scores = [], []
    for lesson in lesson_ids():
        students = _alternative_students(lesson)
        for student, nb in students.items():
            _write(tmp_path, student, lesson, nb)
        tokens = {student: _tokens_by_exercise(nb) for student, nb in students.items()}
        for a, b in itertools.combinations(sorted(students), 2):
            if all(tokens[a][e] != tokens[b][e] for e in tokens[a]):
                independent.append((lesson, a, b))
    pairs, _, _ = similarity.compare(similarity.submissions.find(tmp_path)[0])
    by_key = {(p.lesson, p.a, p.b): p for p in pairs}
    for key in independent:
        pair = by_key.get(key)
        scores.append(pair.score if pair else 0.0)
        assert pair is None or not pair.flagged(), f"{key} flagged with score {pair.score:.2f}"
    assert len(independent) >= 8, independent  # the test compares enough pairs to mean something
    assert max(scores) > 0.5  # and they do share code: the threshold, not the tokeniser, keeps them apart


def test_a_copy_of_half_a_lesson_is_flagged_but_one_shared_answer_is_not(tmp_path):
    lesson = "01_lambda_layers"
    reference = source_notebook(lesson)
    ids = list(similarity.answer_cells(reference))
    for student, keep in (("half", ids[:2]), ("one", ids[:1])):
        nb = release_notebook(lesson)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") in keep:
                cell.source = similarity.answer_cells(reference)[cell.metadata["nbgrader"]["grade_id"]]
        _write(tmp_path, student, lesson, nb)
    _write(tmp_path, "ada", lesson, reference)
    pairs, _, _ = similarity.compare(similarity.submissions.find(tmp_path)[0])
    flagged = {(p.a, p.b) for p in pairs if p.flagged()}
    assert ("ada", "half") in flagged
    assert ("ada", "one") not in flagged


def test_lessons_where_most_pairs_agree_are_pointed_out():
    lesson = "04_functional_api"
    codes = {(lesson, f"s{i:02d}"): "" for i in range(8)}  # 28 pairs
    pairs = [similarity.Pair(lesson, a, b, 1.0, 1.0, 500, ())
             for (_, a), (_, b) in itertools.combinations(sorted(codes), 2)]
    assert similarity.crowded_lessons(pairs[:9], codes) == []
    notes = similarity.crowded_lessons(pairs[:12], codes)
    assert len(notes) == 1 and notes[0].startswith(f"{lesson}: 12 of 28 pairs are flagged")
