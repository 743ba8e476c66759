"""Copy detection: which students handed in the same answer code.

It uses copydetect (https://github.com/blingenf/copydetect), which tokenises
the code (every name becomes ``V``, strings ``S``, comments and spacing
vanish), hashes every run of ``K`` characters of that token stream and counts
the runs two submissions share. Renaming variables, rewording comments or
re-spacing the code therefore hides nothing.

What is compared: only the code of the answer cells (``solution`` cells of
nbgrader, matched by ``grade_id``); the release's own code in those cells
(function headers, docstrings, ``raise NotImplementedError()``) is given to
copydetect as boilerplate, so starter code never counts as shared.

Unit of comparison: all answer cells of one lesson, concatenated per student
in the release's order. A single answer is often one line, shorter than a
hashed run, and correct one-line answers are alike by necessity
(``return x ** 2``); a copy shows as the same token stream through the whole
lesson, which only the concatenation can see.

Score of a pair: the larger of the two shares of answer code found in the
other submission (so a student who copied half the lesson and left the rest
blank still scores high). A pair is flagged when the score is at least
``THRESHOLD`` and at least ``MIN_SHARED`` characters of token stream are
shared: more than one short answer (lesson 01's four answers make about 300),
so one common answer alone is never flagged.

Why ``K = 40`` and ``THRESHOLD = 0.95``: a copy whose names, comments and
spacing differ has the same token stream and scores 1.0. The project's
alternative correct answers (``tests/test_lessonNN_checks.py``
``ALTERNATIVES``) are the nearest independent answers we have; combined so
that two submissions differ in every exercise of a lesson, they score up to
0.89 at K = 40 (0.96 at copydetect's default K = 25, where a one-token
change spoils fewer runs). Two submissions that are identical, after
tokenising, in every exercise but one are near-copies and are flagged; one
alternative answer is not an independent submission. Instructors read the
side-by-side pages before they act: a score is a reason to look, not proof.
"""
import ast
import io
import itertools
import json
import tokenize
from dataclasses import dataclass
from pathlib import Path

from course import html_safety, notebook_format, submissions
from course.lessons import RELEASE_DIR, notebook_name

K = 40
WINDOW = 1
THRESHOLD = 0.95
MIN_SHARED = 100
CLOSEST_SHOWN = 10
CROWDED_SHARE, CROWDED_PAIRS = 0.1, 10


@dataclass
class Pair:
    lesson: str
    a: str
    b: str
    share_a: float
    share_b: float
    shared: int
    slices: tuple

    @property
    def score(self):
        return max(self.share_a, self.share_b)

    def flagged(self, threshold=THRESHOLD):
        return self.score >= threshold and self.shared >= MIN_SHARED

    @property
    def page(self):
        return f"pairs/{self.lesson}/{self.a}/{self.b}.html"


def answer_cells(nb):
    """``{grade_id: code}`` of the notebook's answer cells, in order."""
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
            and c.metadata["nbgrader"].get("grade_id")}


def _joined(cells, order):
    return "\n\n".join(f"# ---- {grade_id} ----\n{cells.get(grade_id, '')}" for grade_id in order)


def answer_code(cells, release):
    """One lesson's answers as one text in the release's order, each cell under a comment naming it.

    Comments are not compared. Cells left as released are left out: their
    code would join the answers around them in runs that are neither
    boilerplate nor the student's.
    """
    return _joined({i: code for i, code in cells.items() if code.strip() != release.get(i, "").strip()}, release)


def disguise(code, suffix="_mine"):
    """``code`` as a copier hides it: names local to its functions renamed, comments reworded, spacing changed.

    The demo's copied submission and the tests use it; what the function
    defines (names the notebook uses elsewhere) keeps working.
    """
    tree = ast.parse(code)
    local = {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))):
        local |= {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    local -= {"self", "cls"}
    keywords = {(n.lineno, n.col_offset) for n in ast.walk(tree) if isinstance(n, ast.keyword) and n.arg}
    tokens = []
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        attribute = tokens and tokens[-1][1] == "."
        if tok.type == tokenize.NAME and tok.string in local and not attribute and tok.start not in keywords:
            tok = tok._replace(string=tok.string + suffix)
        elif tok.type == tokenize.COMMENT:
            tok = tok._replace(string="# written on my own")
        tokens.append(tok[:2])  # without positions, untokenize re-spaces every line its own way
    return "# my answer\n" + tokenize.untokenize(tokens)


def _fingerprint(name, code, boilerplate=None):
    from copydetect import CodeFingerprint

    return CodeFingerprint(name, K, WINDOW, boilerplate=boilerplate, language="python", fp=io.StringIO(code))


class Lesson:
    """The release's answer cells of one lesson (in order) and their fingerprints, the boilerplate."""

    def __init__(self, lesson, release_dir=RELEASE_DIR):
        cells = answer_cells(notebook_format.read(Path(release_dir) / lesson / notebook_name(lesson)))
        self.cells = cells
        self.boilerplate = sorted(_fingerprint(lesson, _joined(cells, cells)).hashes)


def compare(found, release_dir=RELEASE_DIR):
    """Compare every two submissions of the same lesson; return ``(pairs best first, codes, problems)``.

    ``codes`` maps ``(lesson, student)`` to the compared text.
    """
    from copydetect import compare_files

    problems, codes, prints = [], {}, {}
    lessons = {}
    for sub in found:
        lesson = lessons.get(sub.lesson) or lessons.setdefault(sub.lesson, Lesson(sub.lesson, release_dir))
        try:
            cells = answer_cells(notebook_format.read(sub.path))
        except Exception as error:  # any unreadable file is reported and skipped, never fatal
            problems.append(f"{sub.path.name}: not compared: not a readable notebook ({type(error).__name__})")
            continue
        code = answer_code(cells, lesson.cells)
        codes[sub.lesson, sub.student] = code
        prints[sub.lesson, sub.student] = _fingerprint(sub.name, code, lesson.boilerplate)
    pairs = []
    for (lesson, a), (other, b) in itertools.combinations(sorted(prints), 2):
        if lesson != other:
            continue
        shared, (share_a, share_b), slices = compare_files(prints[lesson, a], prints[lesson, b])
        if shared:
            pairs.append(Pair(lesson, a, b, float(share_a), float(share_b), int(shared), slices))
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.lesson, p.a, p.b))
    return pairs, codes, problems


def _highlighted(code, slices):
    from copydetect.utils import highlight_overlap

    if len(slices) == 0 or slices.shape[-1] == 0:
        return html_safety.text(code)
    marked, _ = highlight_overlap(code, slices, "<mark>", "</mark>", escape_html=True)
    return marked


STYLE = """body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 16px 24px; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }
td.num { text-align: right; } .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.cols > div { min-width: 0; } h2 { font-size: 17px; }
pre { background: #f7f7f9; padding: 10px; overflow-x: auto; font-size: 13px; } mark { background: #ffd28a; }
.muted { color: #666; } .warn { background: #fff8e6; border: 1px solid #f0d9a0; padding: 6px 10px; }"""


def _page(title, body):
    return html_safety.with_policy(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html_safety.text(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n")


def _pair_page(pair, codes):
    columns = "".join(
        f"<div><h2>{html_safety.text(student)}: {100 * share:.0f} % of the answer code is in the other</h2>"
        f"<pre>{_highlighted(codes[pair.lesson, student], slices)}</pre></div>"
        for student, share, slices in ((pair.a, pair.share_a, pair.slices[0]), (pair.b, pair.share_b, pair.slices[1])))
    return _page(f"{pair.lesson}: {pair.a} and {pair.b}", (
        f'<p><a href="../../../index.html">all pairs</a></p><h1>{html_safety.text(pair.lesson)}: '
        f"{html_safety.text(pair.a)} and {html_safety.text(pair.b)}</h1>"
        f'<p class="muted">Highlighted: runs of code found in both once names, strings, comments and spacing '
        f"are set aside. Only answer cells are shown; a run may reach into the release's own code around an "
        f"answer, but that code alone never counts.</p>"
        f'<div class="cols">{columns}</div>'))


def _rows(pairs):
    return "".join(
        f'<tr><td>{html_safety.text(p.lesson)}</td><td>{html_safety.text(p.a)}</td><td>{html_safety.text(p.b)}</td>'
        f'<td class="num">{100 * p.score:.0f} %</td><td class="num">{100 * p.share_a:.0f} % / {100 * p.share_b:.0f} %'
        f'</td><td class="num">{p.shared}</td><td><a href="{html_safety.text(p.page)}">side by side</a></td></tr>'
        for p in pairs)


def crowded_lessons(flagged, codes):
    """Notes on lessons where many pairs are flagged: there, agreeing says little."""
    notes = []
    for lesson in sorted({lesson for lesson, _ in codes}):
        n = sum(1 for other, _ in codes if other == lesson)
        pairs, hits = n * (n - 1) // 2, sum(p.lesson == lesson for p in flagged)
        if hits >= CROWDED_PAIRS and hits > CROWDED_SHARE * pairs:
            notes.append(f"{lesson}: {hits} of {pairs} pairs are flagged. When most of a class agrees, the "
                         "exercise leaves little room to differ and the score says little; look for shared "
                         "mistakes and odd choices instead.")
    return notes


def _index(flagged, closest, problems, threshold, notes):
    head = ("<tr><th>Lesson</th><th>Student</th><th>Student</th><th>Score</th><th>Shares</th>"
            "<th>Shared characters</th><th></th></tr>")
    body = ["<h1>Similar answer code</h1>",
            f'<p class="muted">Score: the larger of the two shares of answer code found in the other submission '
            f"(copydetect, runs of {K} token characters; release code excluded). Flagged: score at least "
            f"{100 * threshold:.0f} % and at least {MIN_SHARED} characters shared. Read the code before you act: "
            f"short correct answers are alike by nature.</p>",
            *(f'<p class="warn">{html_safety.text(note)}</p>' for note in notes),
            f"<h2>Flagged pairs ({len(flagged)})</h2>",
            f"<table>{head}{_rows(flagged)}</table>" if flagged else "<p>None.</p>",
            "<h2>Closest pairs below the threshold</h2>",
            f"<table>{head}{_rows(closest)}</table>" if closest else "<p>None.</p>"]
    if problems:
        body.append("<h2>Not compared</h2><ul>" + "".join(f"<li>{html_safety.text(p)}</li>" for p in problems)
                    + "</ul>")
    return _page("Similar answer code", "".join(body))


def run(target, out, threshold=THRESHOLD, release_dir=RELEASE_DIR):
    """Compare the submissions in ``target``; write ``out/index.html``, pair pages and ``pairs.json``.

    Returns ``{"index": path, "flagged": [Pair], "problems": [str], "notes": [str]}``; notes name the
    lessons where so many pairs are flagged that the score says little.
    """
    out = Path(out)
    found, problems = submissions.find(target)
    pairs, codes, unreadable = compare(found, release_dir)
    problems += unreadable
    flagged = [p for p in pairs if p.flagged(threshold)]
    closest = [p for p in pairs if not p.flagged(threshold)][:CLOSEST_SHOWN]
    for pair in flagged + closest:
        page = out / pair.page
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(_pair_page(pair, codes), encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    notes = crowded_lessons(flagged, codes)
    (out / "index.html").write_text(_index(flagged, closest, problems, threshold, notes), encoding="utf-8")
    (out / "pairs.json").write_text(json.dumps({
        "k": K, "threshold": threshold, "min_shared": MIN_SHARED, "problems": problems, "notes": notes,
        "pairs": [{"lesson": p.lesson, "a": p.a, "b": p.b, "score": round(p.score, 4), "share_a": round(p.share_a, 4),
                   "share_b": round(p.share_b, 4), "shared": p.shared, "flagged": p.flagged(threshold), "page": p.page}
                  for p in flagged + closest]}, indent=1))
    return {"index": out / "index.html", "flagged": flagged, "problems": problems, "notes": notes}
