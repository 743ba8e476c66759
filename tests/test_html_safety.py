"""Nothing a student hands in runs, restyles or submits anything in a page the course writes.

Each page is built from crafted student work and opened in headless
Chromium: every payload tries to mark the page's ``<body>`` from script
(class ``pwned-<payload>``), and the DOM Chromium dumps once its scripts and
timers had their time must carry no such mark, nor any ``<style>``,
``<form>``, frame, plugin, ``<base>`` or ``<meta>`` that a student wrote.
The honest parts must still be there: headings, tables, code, images.
"""
import base64
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import mistune
import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

from course import feedback, gradebook, html_safety, report, similarity
from course.lessons import RELEASE_DIR, notebook_name
from tests import class_results
from tests.inprocess import source_notebook
from tests.test_student_view import BOOTSTRAP_CSS, NBGRADER_TEMPLATES

CHROMIUM = shutil.which("chromium")
LESSON = "01_lambda_layers"
PNG = base64.b64encode(  # a 1x1 red pixel: an honest plot
    bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0"
                  "00000301010018dd8db00000000049454e44ae426082")).decode()


def pwn(name):
    """Script that marks the page as run by the payload ``name``."""
    return f"document.body.classList.add('pwned-{name}')"


MARKDOWN_PAYLOADS = "\n\n".join([
    "## An honest heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n**bold** and `code`",
    f"<script>{pwn('script')}</script>",
    f'<img src="x" onerror="{pwn("img")}">',
    f'<svg onload="{pwn("svg")}"><circle r="4"/></svg>',
    f'<svg><script>{pwn("svg-script")}</script></svg>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{pwn("mxss")}"></style></mglyph></table></mtext></math>',
    f'<details open ontoggle="{pwn("details")}"><summary>more</summary>text</details>',
    f'<iframe srcdoc="<script>parent.{pwn("iframe")}</script>"></iframe>',
    "<style>body { background: red !important; }</style>",
    '<form action="https://example.invalid/steal"><input name="q"><button>send</button></form>',
    f'<a href="javascript:{pwn("link")}">a javascript link</a>',
    f'<a href="data:text/html,<script>{pwn("data-link")}</script>">a data link</a>',
    f'<object data="data:text/html,<script>parent.{pwn("object")}</script>"></object>',
    f'<embed src="data:text/html,<script>parent.{pwn("embed")}</script>">',
    '<base href="https://example.invalid/">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{pwn("refresh")}">',
    f"![an image](javascript:{pwn('md-image')})",
    f"[a markdown link](javascript:{pwn('md-link')})",
    f"<div onmouseover=\"{pwn('hover')}\" style=\"position:fixed;top:0;left:0;width:100%;height:100%\">cover</div>",
    "![attached](attachment:evil.svg)",
])
ATTACHED_SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" onload="{pwn("attachment")}">'
                f'<script>{pwn("attachment-script")}</script></svg>')


def _display(data):
    return nbformat.v4.new_output("display_data", data=data)


def crafted_outputs():
    """What a student's kernel can print: every mime type, a stream with a forged name, a broken image."""
    return [
        _display({"text/html": f'<img src=x onerror="{pwn("output-html")}">', "text/plain": "html"}),
        _display({"image/svg+xml": f'<svg xmlns="http://www.w3.org/2000/svg" onload="{pwn("output-svg")}"></svg>'}),
        _display({"application/javascript": pwn("output-js")}),
        _display({"text/markdown": f'<img src=x onerror="{pwn("output-md")}">'}),
        _display({"application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2}}),
        _display({"image/png": f'"><img src=x onerror="{pwn("output-png")}">'}),
        _display({"image/png": PNG, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text="printed\n"),
        nbformat.v4.new_output("stream", name=f'stdout"><img src=x onerror="{pwn("stream")}', text="forged\n"),
        nbformat.v4.new_output("error", ename=f"<img src=x onerror=\"{pwn('ename')}\">",
                               evalue=f"<img src=x onerror=\"{pwn('evalue')}\">", traceback=["<b>tb</b>"]),
    ]


def crafted_notebook():
    """Lesson 01's release with a student's payloads: markdown, outputs, attachments, cell metadata."""
    release = nbformat.read(RELEASE_DIR / LESSON / notebook_name(LESSON), as_version=4)
    nb = nbformat.from_dict(release)
    markdown = nbformat.v4.new_markdown_cell(MARKDOWN_PAYLOADS)
    markdown.attachments = {"evil.svg": {"image/svg+xml": base64.b64encode(ATTACHED_SVG.encode()).decode()}}
    code = nbformat.v4.new_code_cell("print('hello')", outputs=crafted_outputs(), execution_count=1)
    code.metadata = {"tags": [f'x"><img src=x onerror="{pwn("tag")}">'],
                     "nbgrader": {"grade": True, "solution": False, "points": 0, "score": 0,
                                  "grade_id": f'"><img src=x onerror="{pwn("grade-id")}">'}}
    nb.cells[1:1] = [markdown, code]
    nb.metadata["title"] = f"</title><script>{pwn('title')}</script>"
    return nb, release


def feedback_page(nb, release):
    """The feedback page of ``nb`` as the grader writes it: rewritten, rendered by nbgrader's template
    (as nbgrader's ``generate_feedback`` configures it), finished."""
    verdicts = {}
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade") and not grading.get("solution") and grading["grade_id"].startswith("test_"):
            verdicts[grading["grade_id"]] = None
            grading.update(score=grading["points"])
    feedback.sanitize(nb, release, verdicts)
    exporter = HTMLExporter(template_name="feedback", extra_template_basedirs=[str(NBGRADER_TEMPLATES)],
                            extra_template_paths=[str(BOOTSTRAP_CSS)], sanitize_html=True)
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(), enabled=True)
    page, _ = exporter.from_notebook_node(nb, resources={"nbgrader": {
        "notebook": LESSON, "score": 1, "max_score": 1, "late_penalty": 0}})
    return feedback.finish_page(page, feedback.exercise_titles(release))


def browse(path, *flags):
    """Chromium's DOM of the page at ``path`` once its scripts and timers have run (3 s of virtual time)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=3000", *flags, Path(path).resolve().as_uri()],
            capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def opened(page, folder, name="page.html"):
    """``(dumped DOM, the DOM as written)`` of ``page`` saved in ``folder``."""
    path = Path(folder) / name
    path.write_text(page, encoding="utf-8")
    return BeautifulSoup(browse(path, "--dump-dom"), "html.parser"), BeautifulSoup(page, "html.parser")


FORBIDDEN = ["script", "style", "form", "input", "button", "iframe", "object", "embed", "base", "meta", "link",
             "svg", "math"]


def assert_inert(dom, written):
    """Nothing ran (no mark on the body) and nothing dangerous is in the page's body; the head is the course's."""
    assert dom.body is not None
    assert not [name for name in dom.body.get("class", []) if "pwned" in name], dom.body.attrs
    assert not dom.body.find_all(FORBIDDEN), dom.body.find_all(FORBIDDEN)[:3]
    for tag in dom.find_all(True):
        handlers = [name for name in tag.attrs if name.lower().startswith("on")]
        assert not handlers, (tag.name, handlers)
        for name in ("href", "src", "action", "formaction", "data"):
            value = str(tag.get(name, "")).strip().lower()
            assert not value.startswith(("javascript:", "data:text", "data:image/svg")), (tag.name, value[:80])
    meta = written.head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None and "default-src 'none'" in meta["content"]
    assert written.head.find_all("script") == []


def test_a_feedback_page_runs_nothing_a_student_wrote(tmp_path):
    nb, release = crafted_notebook()
    dom, written = opened(feedback_page(nb, release), tmp_path)
    assert_inert(dom, written)
    assert any("An honest heading" in h2.get_text() for h2 in dom.find_all("h2"))
    assert any(table.find("td", string="2") for table in dom.find_all("table"))
    assert dom.find("strong", string="bold") and dom.find("code", string="code")
    images = [img.get("src") for img in dom.find_all("img")]
    assert f"data:image/png;base64,{PNG}" in images
    assert "hello" in dom.get_text() and "printed" in dom.get_text()
    assert dom.find(string=lambda s: s and "Exercise 1" in s) is not None  # the score list still names exercises


def test_a_failure_page_escapes_the_student_id_and_message(tmp_path):
    page = feedback.failure_page(f"<script>{pwn('student')}</script>", LESSON,
                                 f'<img src=x onerror="{pwn("message")}">', [{"exercise": "square", "max": 2}])
    dom, written = opened(page, tmp_path)
    assert_inert(dom, written)
    assert "<script>" in dom.get_text() and "square" in dom.get_text()


def crafted_class(folder):
    """A small graded class whose file names, roster names and failure messages carry payloads."""
    folder, roster = class_results.write(folder)
    result = json.loads((folder / "results" / LESSON / "fay.json").read_text())
    result["source_name"] = f'<img src=x onerror="{pwn("file-name")}">.ipynb'
    result["message"] = f"<script>{pwn('rejection')}</script>"
    for cell in result["cells"]:
        cell["message"] = result["message"]
    (folder / "results" / LESSON / "fay.json").write_text(json.dumps(result))
    result = json.loads((folder / "results" / LESSON / "bob.json").read_text())
    result["cells"][-1]["message"] = f'<svg onload="{pwn("failure")}"> [click](javascript:{pwn("md")})'
    (folder / "results" / LESSON / "bob.json").write_text(json.dumps(result))
    roster.write_text(roster.read_text().replace("Hal Reis", f'<img src=x onerror="{pwn("roster")}">'))
    return folder, roster


def test_the_class_report_runs_nothing_a_student_wrote(tmp_path):
    folder, roster = crafted_class(tmp_path / "grading")
    path = report.write_report(folder, roster)
    dom, written = opened(path.read_text(), tmp_path)
    assert_inert(dom, written)
    text = dom.get_text()
    assert "onerror=" in text and "<script>" in text and "Class report" in text


def test_summary_md_renders_student_text_as_text(tmp_path):
    folder, _ = crafted_class(tmp_path / "grading")
    lines = gradebook.write_summary(gradebook.load_results(folder / "results"), tmp_path / "summary.md")
    rendered = mistune.html((tmp_path / "summary.md").read_text())  # raw HTML passes, as on most viewers
    parsed = BeautifulSoup(rendered, "html.parser")
    assert parsed.find_all(["script", "svg", "img", "a", "style"]) == [], rendered
    assert "<svg onload=" in parsed.get_text() and "[click](javascript:" in parsed.get_text()
    assert len(lines) == len((tmp_path / "summary.md").read_text().splitlines())


def test_similarity_pages_run_nothing_a_student_wrote(tmp_path):
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    nb = source_notebook(LESSON)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source += f'\nNOTE = "</pre><img src=x onerror=\\"{pwn("code")}\\"><pre>"\n'
    nbformat.write(nb, submitted / f"ada_{LESSON}.ipynb")
    nbformat.write(nb, submitted / f"bob_{LESSON}.ipynb")
    (submitted / f"<img src=x onerror={pwn('name')}>_{LESSON}.ipynb").write_text("{ not a notebook")
    result = similarity.run(submitted, tmp_path / "similarity")
    assert result["flagged"] and result["problems"]
    for page in (result["index"], tmp_path / "similarity" / result["flagged"][0].page):
        dom, written = opened(page.read_text(), page.parent, "opened.html")
        assert_inert(dom, written)
    assert 'NOTE = "</pre><img src=x onerror=' in dom.get_text()


def test_the_allow_list_keeps_a_readable_page_and_drops_the_rest():
    kept = html_safety.clean('<h3 id="a">T</h3><pre><code class="x">c</code></pre><th style="text-align:right">'
                             f'<img src="data:image/png;base64,{PNG}" alt="plot"><a href="https://keras.io">k</a>')
    assert kept.startswith('<h3 id="a">T</h3><pre><code class="x">c</code></pre>')
    assert f'src="data:image/png;base64,{PNG}"' in kept and 'href="https://keras.io"' in kept
    dropped = html_safety.clean('<p style="position:fixed">p</p><img src="data:image/svg+xml;base64,PHN2Zz4=">'
                                '<a href="data:text/html,x">d</a><img src="https://tracker.example/x.png">')
    assert dropped == '<p>p</p><img><a>d</a><img src="https://tracker.example/x.png">'


def test_markdown_text_is_one_inert_line():
    assert html_safety.markdown_text("a <b>\n\n# [x](y) ![i](j) `c` *e* & _u_") == (
        r"a \<b\> \# \[x\](y) \!\[i\](j) \`c\` \*e\* \& \_u\_")
