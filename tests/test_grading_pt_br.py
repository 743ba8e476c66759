"""Grading the pt-BR edition (issue 16): a class that mixes both editions is graded in one run,
each submission against its own edition's templates, by the same hidden tests, and everything a
pt-BR student reads is in Portuguese. Every lesson's pt-BR reference is graded in
tests/test_grading_lessons.py; the class here holds what that one does not: the blank release, a
mutant, a pasted notebook and an English reference beside them."""
import copy
import csv
import html
import re

import pytest

from course import cli, feedback, gradebook, grading, report, roster, sandbox, submission_edition
from course.exercise_headings import exercise_title
from tests import classroom, corpus
from utils.i18n import _, ngettext, set_language, speaking

LESSON = "01_lambda_layers"
PT = "pt_BR"
LIMITS = grading.Limits(notebook_seconds=600, cell_seconds=45, memory_gb=3)
SQUARE_HINT = "Each number should come out squared: x ** 2 or keras.ops.square(x)."
UNTAGGED_NOTE = (  # course.recover_cells
    "{count} cell of your notebook had lost its grading tags (this happens when cells are pasted into "
    "a new notebook or saved by some editors) and was recognised by content.",
    "{count} cells of your notebook had lost their grading tags (this happens when cells are pasted "
    "into a new notebook or saved by some editors) and were recognised by content.")


def in_portuguese(message):
    """``message`` as the pt-BR catalogue gives it."""
    set_language(PT)
    try:
        return _(message)
    finally:
        set_language(None)


def mutant():
    """The pt-BR reference that doubles instead of squaring."""
    nb = classroom.reference(LESSON, PT)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "square_model")
    assert "x ** 2" in cell.source
    cell.source = cell.source.replace("x ** 2", "x * 2")
    return nb


def pasted(nb):
    """``nb`` as its cells pasted into a new notebook: no metadata anywhere."""
    nb = copy.deepcopy(nb)
    nb.metadata = {key: value for key, value in nb.metadata.items() if key != "course"}
    for cell in nb.cells:
        cell.metadata = {}
    return nb


# --- fast: headings and edition recognition ---------------------------------------------------


@pytest.mark.parametrize("heading, title", [
    ("### Exercise 1 · a square layer (2 points)\n\nComplete it.", "Exercise 1 · a square layer"),
    ("### Exercise 10a · `make_batches` (1 point)", "Exercise 10a · `make_batches`"),
    ("### Exercício 1 · uma camada que eleva ao quadrado (2 pontos)\n\nComplete", "Exercício 1 · uma camada que eleva ao quadrado"),
    ("#### Exercício 5 · salvar e recarregar (1 ponto)", "Exercício 5 · salvar e recarregar"),
    ("The exercise below (2 points)", None),
    ("### Exercício 1 · sem pontos", None),
])
def test_exercise_headings_are_read_in_both_languages(heading, title):
    assert exercise_title(heading) == title


def test_the_exercise_titles_of_the_pt_br_release_are_its_own():
    titles = feedback.exercise_titles(classroom.blank(LESSON, PT))
    assert titles["test_square_model"].startswith("Exercício 1 · ")
    assert set(titles) == set(feedback.exercise_titles(classroom.blank(LESSON)))


@pytest.mark.parametrize("make, edition", [
    pytest.param(lambda: classroom.blank(LESSON), "en", id="english release"),
    pytest.param(lambda: classroom.blank(LESSON, PT), PT, id="pt-BR release"),
    pytest.param(lambda: pasted(classroom.blank(LESSON, PT)), PT, id="pt-BR release pasted"),
    pytest.param(lambda: pasted(classroom.reference(LESSON, PT)), PT, id="pt-BR reference pasted"),
    pytest.param(lambda: pasted(classroom.reference(LESSON)), "en", id="english reference pasted"),
])
def test_a_submission_is_recognised_by_its_metadata_or_else_its_cells(make, edition):
    assert submission_edition.recognise(make(), LESSON) == edition


def test_metadata_naming_no_edition_of_the_course_is_ignored():
    nb = classroom.blank(LESSON, PT)
    nb.metadata.course.language = "xx_YY"
    assert submission_edition.declared(nb) is None
    assert submission_edition.recognise(nb, LESSON) == PT


def test_a_file_that_is_no_notebook_is_english(tmp_path):
    corpus.invalid_json(tmp_path / "x.ipynb")
    assert submission_edition.of_file(tmp_path / "x.ipynb", LESSON) == "en"


def test_the_feedback_page_s_own_words_are_translated():
    page = ('<html><head></head><body><h4>01_lambda_layers (Score: 8.5 / 10.0)</h4><li><a href="#test_a">Test cell</a> '
            '(Score: 2.0 / 2.0)</li><span class="nbgrader-label">Student\'s answer</span>'
            '<span class="pull-right">\n      Score: 0.0 / 2.0 <a href="#top">(Top)</a>\n  </span>'
            '<li><a href="#comment-a">Comment</a></li><pre>print("Score: 3")</pre>')
    set_language(PT)
    try:
        finished = feedback.finish_page(page, {"test_a": "Exercício 1 · um quadrado"})
    finally:
        set_language(None)
    assert finished.count("Pontuação:") == 3 and "Sua resposta" in finished and "(topo)" in finished
    assert "(Pontuação: 8,5 / 10)" in finished and "Pontuação: 0 / 2 " in finished  # numbers as pt-BR writes them
    assert '<a href="#comment-a">Comentário</a>' in finished
    assert 'print("Score: 3")' in finished  # what the notebook printed stays as it was
    assert "Exercício 1 · um quadrado</a>" in finished


# --- one grading run: a class of both editions ------------------------------------------------

CLASS = {
    "blank_pt": lambda: classroom.blank(LESSON, PT),
    "mutant_pt": mutant,
    "pasted_pt": lambda: pasted(classroom.reference(LESSON, PT)),
    "ref_en": lambda: classroom.reference(LESSON),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    for student, make in CLASS.items():
        classroom.write(make(), folder / "submitted", student, LESSON)
    summary = grading.grade(folder / "submitted", folder / "out", workers=2, limits=LIMITS, seed=11,
                            no_sandbox=not sandbox.bubblewrap_works())
    return {r["student"]: r for r in summary["results"]}, folder / "out"


def _page(out, student):
    return (out / "feedback" / student / f"{LESSON}.html").read_text()


def test_each_edition_is_graded_right(graded):
    results, _ = graded
    assert {s: r["status"] for s, r in results.items()} == dict.fromkeys(CLASS, "graded")
    for student in ("pasted_pt", "ref_en"):
        assert results[student]["score"] == results[student]["max_score"], results[student]
    assert results["blank_pt"]["score"] == 0
    lost = {c["exercise"] for c in results["mutant_pt"]["cells"] if c["score"] < c["max"]}
    assert lost == {"square_model"}


def test_each_submission_is_graded_in_its_edition(graded):
    results, _ = graded
    assert {s: r["language"] for s, r in results.items()} == {
        "blank_pt": PT, "mutant_pt": PT, "pasted_pt": PT, "ref_en": "en"}


def test_a_pt_br_mutant_is_told_in_portuguese(graded):
    results, out = graded
    message = next(c["message"] for c in results["mutant_pt"]["cells"] if c["exercise"] == "square_model")
    hint = in_portuguese(SQUARE_HINT)
    assert hint != SQUARE_HINT and hint in message
    page = html.unescape(_page(out, "mutant_pt"))
    assert hint in page and "Exercício 1 · " in page and "Pontuação:" in page
    assert not re.search(r"\bScore:|Test cell|Student's answer", page)


def test_a_pasted_pt_br_notebook_is_told_what_was_recovered_in_portuguese(graded):
    results, _ = graded
    untagged = results["pasted_pt"]["notes"][0]
    count = int(untagged.split()[0])
    set_language(PT)
    try:
        expected = ngettext(*UNTAGGED_NOTE, count).format(count=count)
    finally:
        set_language(None)
    assert untagged == expected


def test_the_english_reference_beside_them_reads_english(graded):
    results, out = graded
    page = _page(out, "ref_en")
    assert "Exercise 1 · " in page and "Score:" in page and "Pontuação" not in page
    assert "All hidden tests passed" in page


def test_the_gradebook_says_each_submission_s_edition(graded):
    _, out = graded
    with open(out / "gradebook.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert {s: row[f"{LESSON}:language"] for s, row in rows.items()} == {
        "blank_pt": PT, "mutant_pt": PT, "pasted_pt": PT, "ref_en": "en"}
    assert rows["pasted_pt"][f"{LESSON}:total"] == rows["ref_en"][f"{LESSON}:total"] == "10"


# Words of English sentences that a Portuguese one never holds; code, file names and ids aside.
ENGLISH_WORDS = re.compile(r"\b(the|of|and|graded|submissions?|points|lost|report|class|score|every|could|"
                           r"slowest|highest|lowest|mean|undefined|already|wrong)\b", re.IGNORECASE)


def _visible_text(page):
    """What a reader of ``page`` sees or hears: its text and its images' alt texts."""
    page = re.sub(r"<(style|script)\b[^>]*>.*?</\1>", "", page, flags=re.DOTALL)
    alts = " ".join(re.findall(r'alt="([^"]*)"', page))
    text = html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + alts)
    return re.sub(r"\S*/\S*", " ", text)  # paths and links are no sentences


def test_a_pt_br_class_reads_its_report_summary_and_scores_in_portuguese(graded, tmp_path, capsys):
    results, out = graded
    portuguese = [r for r in results.values() if r["language"] == PT]
    assert gradebook.class_language(portuguese) == PT and gradebook.class_language(results.values()) == "en"
    people = {r["student"]: roster.Person(r["student"], "", "") for r in portuguese}
    page = _visible_text(report.render(portuguese, out, people))
    summary = "\n".join(gradebook.write_summary(portuguese, tmp_path / "summary.md"))
    with speaking(PT):
        cli.print_scores(portuguese)
        grading.Progress(1).update({**portuguese[0], "seconds": 12.5})
    printed = capsys.readouterr().out
    for text in (page, summary, re.sub(r"\S*/\S*", " ", printed)):
        assert not ENGLISH_WORDS.search(text), ENGLISH_WORDS.search(text).group(0)
    assert "Relatório da turma" in page and "O que a turma errou" in summary and "corrigida" in printed
    blank = next(r for r in portuguese if r["student"] == "blank_pt")
    assert f"0/{blank['max_score']:g}" in printed and "(corrigida)" in printed
    mean = re.search(r"média\s+([0-9.,]+)", page).group(1)
    assert "," in mean and "." not in mean  # 3,33, not 3.33


def test_a_pt_br_feedback_page_reads_portuguese_outside_code_and_outputs(graded):
    _, out = graded
    for student in ("blank_pt", "mutant_pt", "pasted_pt"):
        page = re.sub(r"<(style|script)\b[^>]*>.*?</\1>", "", _page(out, student), flags=re.DOTALL)
        prose = _visible_text(re.sub(r"<(pre|code)>.*?</\1>", " ", page, flags=re.DOTALL))
        assert "Exercício 1" in prose and not ENGLISH_WORDS.search(prose), ENGLISH_WORDS.search(prose)
