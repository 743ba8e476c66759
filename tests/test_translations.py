"""The pt-BR edition: entries, catalogues, checks, the built release and the translated reference."""
import io
import re
import shutil
import tokenize

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from course import notebook_format, release, translation
from course.lessons import REPO_ROOT, RELEASE_DIR, SOURCE_DIR, lesson_ids, notebook_name
from course.translation import catalogues, checks, editions, placeholders, segments

LANGUAGE = "pt_BR"
WORKED_EXAMPLE = "01_lambda_layers"
_to_python = TransformerManager().transform_cell


def english_source(lesson):
    return notebook_format.read(SOURCE_DIR / lesson / notebook_name(lesson))


def kept_in_english():
    """The words of the glossary's "Kept in English" list."""
    glossary = (REPO_ROOT / "i18n" / "glossary.md").read_text()
    section = glossary.split("## Kept in English")[1].split("\n## ")[0]
    return {line[2:].strip() for line in section.splitlines() if line.startswith("- ")}


@pytest.mark.parametrize("lesson", lesson_ids())
def test_identity_translations_give_the_source_back_byte_for_byte(lesson):
    nb = english_source(lesson)
    identity = {entry.text: entry.text for _, entry in segments.entries(nb)}
    for translations in ({}, identity):
        assert notebook_format.dumps(segments.translate(nb, translations)) == notebook_format.dumps(nb)


@pytest.mark.parametrize("lesson", lesson_ids())
def test_a_translation_changes_only_prose_and_keeps_the_code_valid(lesson):
    """A made-up translation of every entry (two lines, quotes of the other kind) leaves code,
    hidden tests, solutions and metadata alone, and every code cell still compiles."""
    nb = english_source(lesson)
    fake = {entry.text: f"«{entry.text}»\n'traduzido'" if not entry.quote.endswith("'") else f"«{entry.text}»"
            for _, entry in segments.entries(nb)}
    translated = segments.translate(nb, fake, LANGUAGE)
    assert translated.metadata.course.language == LANGUAGE
    for old, new in zip(nb.cells, translated.cells):
        assert (old.id, old.cell_type, old.metadata) == (new.id, new.cell_type, new.metadata)
        for region in release.REGION.finditer(old.source):
            if region.group(1) == "HIDDEN TESTS" or "#" not in region.group(2):
                assert region.group() in new.source
        if new.cell_type == "code":
            compile(_to_python(new.source), new.id, "exec")


def test_hidden_tests_and_solution_code_are_no_entries():
    texts = " ".join(entry.text for lesson in lesson_ids() for _, entry in segments.entries(english_source(lesson)))
    assert "grader_tests" not in texts and "BEGIN HIDDEN TESTS" not in texts
    entries = segments.entries(english_source(WORKED_EXAMPLE))
    assert ("code-07", "Self-check for exercise 1") in [(cell, e.text) for cell, e in entries]
    assert not any(e.text == "float32" for _, e in entries)  # code, not prose


@pytest.mark.parametrize("source, wanted", [
    ("```python\nx = 1  # one comment\nprint('a label here')\n```\n", ["one comment", "a label here"]),
    ("~~~py\n# a comment\n~~~", ["a comment"]),
    ("```bash\n# a shell comment\n```\n", []),
    ("```python\ndef f(:\n    \"\"\"an unfinished fragment\n```\n", []),
    ("Text before.\n```python", ["Text before."]),
])
def test_a_fenced_python_block_in_markdown_is_cut_as_code(source, wanted):
    parts = segments.cell_parts(nbformat.v4.new_markdown_cell(source))
    assert [p.text for p in parts if not isinstance(p, str)] == wanted
    assert "".join(p if isinstance(p, str) else p.render(None) for p in parts) == source


def test_one_english_paragraph_edited_is_the_one_entry_named(tmp_path, monkeypatch):
    nb = english_source(WORKED_EXAMPLE)
    cell = next(c for c in nb.cells if c.id == "md-08")
    cell.source = cell.source.replace("One trap:", "A classic trap:")
    catalog = catalogues.read(WORKED_EXAMPLE, LANGUAGE)
    found = checks.problems(WORKED_EXAMPLE, LANGUAGE, catalog, complete=True, nb=nb)
    assert len(found) == 1 and "md-08" in found[0] and "A classic trap" in found[0] and "missing" in found[0]
    # After a refresh the old translation is kept, marked fuzzy, and still named.
    shutil.copytree(catalogues.I18N_DIR, tmp_path / "i18n")
    monkeypatch.setattr(catalogues, "I18N_DIR", tmp_path / "i18n")
    outcome = catalogues.refresh(WORKED_EXAMPLE, LANGUAGE, nb)
    assert (outcome.new, outcome.fuzzy, outcome.obsolete) == (0, 1, 0)
    refreshed = catalogues.read(WORKED_EXAMPLE, LANGUAGE)
    found = checks.problems(WORKED_EXAMPLE, LANGUAGE, refreshed, complete=True, nb=nb)
    assert len(found) == 1 and "md-08" in found[0] and "fuzzy" in found[0]
    # A lesson not declared complete builds with the English of that entry, and check lets it be.
    assert checks.problems(WORKED_EXAMPLE, LANGUAGE, refreshed, complete=False, nb=nb) == []
    built = segments.translate(nb, catalogues.usable(refreshed))
    assert "A classic trap" in next(c.source for c in built.cells if c.id == "md-08")


SYNTHETIC = nbformat.v4.new_notebook(cells=[
    nbformat.v4.new_markdown_cell("Divide by `255.0` (see https://keras.io/api/layers/), so $0 \\le x \\le 1$ "
                                  "for the 60,000 images.", id="md-x"),
    nbformat.v4.new_code_cell('print(f"test accuracy: {accuracy:.4f}")', id="code-x"),
])
BREAKS = [
    ("md-x", "code span", "Divida por `255` (veja https://keras.io/api/layers/), para $0 \\le x \\le 1$ nas 60.000 imagens."),
    ("md-x", "URL", "Divida por `255.0` (veja https://keras.io/), para $0 \\le x \\le 1$ nas 60.000 imagens."),
    ("md-x", "math", "Divida por `255.0` (veja https://keras.io/api/layers/), para $0 < x < 1$ nas 60.000 imagens."),
    ("md-x", "number", "Divida por `255.0` (veja https://keras.io/api/layers/), para $0 \\le x \\le 1$ nas 6.000 imagens."),
    ("code-x", "format field", "acurácia no teste: {acuracia:.4f}"),
    ("code-x", "valid Python", 'acurácia no "teste": {accuracy:.4f}'),
]


def test_a_faithful_translation_passes_and_brazilian_numbers_are_fine():
    catalog = catalogues.template(WORKED_EXAMPLE, LANGUAGE, SYNTHETIC)
    catalog[SYNTHETIC.cells[0].source].string = ("Divida por `255.0` (veja https://keras.io/api/layers/), "
                                                 "para $0 \\le x \\le 1$ nas 60.000 imagens.")
    catalog["test accuracy: {accuracy:.4f}"].string = "acurácia no teste: {accuracy:.4f}"
    assert checks.problems(WORKED_EXAMPLE, LANGUAGE, catalog, complete=False, nb=SYNTHETIC) == []


@pytest.mark.parametrize("cell, kind, translation", BREAKS, ids=[kind for _, kind, _ in BREAKS])
def test_a_broken_placeholder_is_named(cell, kind, translation):
    catalog = catalogues.template(WORKED_EXAMPLE, LANGUAGE, SYNTHETIC)
    english = next(entry.text for cell_id, entry in segments.entries(SYNTHETIC) if cell_id == cell)
    catalog[english].string = translation
    found = checks.problems(WORKED_EXAMPLE, LANGUAGE, catalog, complete=False, nb=SYNTHETIC)
    assert len(found) == 1 and f": {cell} «" in found[0] and kind in found[0], found


def test_placeholders_are_compared_by_kind():
    assert placeholders.differences("a `b` c", "x `b` y") == []
    assert placeholders.differences("0.85 and 1,290", "0,85 e 1.290") == []
    assert placeholders.differences("see `x`", "veja x") == ["code span: lost '`x`'"]
    assert not placeholders.has_words("$$\\mathrm{CReLU}(x)$$")


@pytest.fixture(scope="module")
def pt_problems():
    return translation.check()


def test_check_passes_on_the_committed_edition(pt_problems):
    """Catalogues in order, lesson 01 complete, notebooks/pt_BR a fresh build showing nothing hidden."""
    assert pt_problems == []


def test_check_notices_a_stale_pt_release(tmp_path, monkeypatch):
    monkeypatch.setattr(editions, "lesson_ids", lambda: [WORKED_EXAMPLE])  # one fresh build is enough
    stale = tmp_path / "notebooks"
    shutil.copytree(RELEASE_DIR, stale)
    path = translation.release_path(WORKED_EXAMPLE, LANGUAGE, stale)
    nb = notebook_format.read(path)
    nb.cells[0].source += "\nUma edição feita à mão."
    notebook_format.write(nb, path)
    found = translation.check(stale)
    assert any(f"notebooks/{LANGUAGE}/{WORKED_EXAMPLE}: differs from a fresh build" in p for p in found), found


def _code_tokens(source):
    """The tokens of a cell that are code: comments and string literals left out."""
    return [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in (tokenize.COMMENT, tokenize.STRING, tokenize.NL, tokenize.NEWLINE)]


def _shape(cell):
    """A release cell's id, type and metadata, but for the checksum of its (translated) text."""
    nbgrader = {key: value for key, value in cell.metadata.get("nbgrader", {}).items() if key != "checksum"}
    return cell.id, cell.cell_type, {**cell.metadata, "nbgrader": nbgrader}


@pytest.mark.parametrize("lesson", lesson_ids())
def test_pt_release_has_the_same_cells_identifiers_and_grade_ids_and_shows_nothing_hidden(lesson):
    english = notebook_format.read(RELEASE_DIR / lesson / notebook_name(lesson))
    portuguese = notebook_format.read(translation.release_path(lesson, LANGUAGE))
    assert portuguese.metadata.course.language == LANGUAGE
    assert [_shape(c) for c in english.cells] == [_shape(c) for c in portuguese.cells]
    for old, new in zip(english.cells, portuguese.cells):
        if old.cell_type == "code":
            assert _code_tokens(old.source) == _code_tokens(new.source), old.id
    assert release.leaks(english_source(lesson), portuguese) == []
    assert release.leaks(translation.source_notebook(lesson, LANGUAGE), portuguese) == []


@pytest.mark.parametrize("lesson", lesson_ids())
def test_no_english_left_in_a_pt_release(lesson):
    """Every entry is translated; prose and comments differ from their English unless what is
    left is code, math, numbers or a name the glossary keeps in English (a string literal may
    be code the student reads, such as a formula in a self-check's description)."""
    catalog = catalogues.read(lesson, LANGUAGE)
    kept = kept_in_english()
    for _, entry in catalogues.source_entries(lesson):
        translated = catalog[entry.text]
        assert translated.string and not translated.fuzzy, entry.text
        if translated.string == entry.text and entry.kind != "string":
            text = entry.text
            for _, pattern in placeholders.KINDS:
                text = pattern.sub(" ", text)
            assert set(re.findall(r"[^\W\d_][\w-]*", text)) <= kept, entry.text
    release_text = translation.release_path(lesson, LANGUAGE).read_text()
    assert "Inclua seu código aqui" in release_text and "YOUR CODE HERE" not in release_text


def test_a_pt_notebook_sets_its_messages_in_portuguese():
    """The set-up cell of each edition names its language, so a student running the pt-BR
    notebook alone (no grader, no environment variable) reads the self-checks in Portuguese."""
    from utils import i18n

    for lesson, language in ((WORKED_EXAMPLE, LANGUAGE), (WORKED_EXAMPLE, "en")):
        setup = next(c for c in notebook_format.read(translation.release_path(lesson, language)).cells
                     if "COURSE_LANGUAGE" in c.source)
        exec(compile(_to_python(setup.source), setup.id, "exec"), {"__name__": "__main__"})
        assert i18n.language() == language
