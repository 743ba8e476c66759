"""Feedback a student may see: scores and messages, never the hidden tests.

nbgrader's ``generate_feedback`` renders the autograded notebook as it is,
hidden tests and tracebacks included (a known leak). Before it runs, the
grader rewrites every graded test cell of that notebook: its source becomes
the release version (hidden part removed) and its output a single line, the
check's own message. The page written (:func:`finish_page`) is then cleaned
whole by :mod:`course.html_safety`: whatever the student's markdown, outputs
or metadata put in it, nothing in it runs.
"""
import re

import nbformat

from course import html_safety
from course.exercise_headings import exercise_title
from utils.i18n import N_, _, number

ANSI = re.compile(r"\x1b\[[0-9;]*m")
HIDDEN_OUTPUT = N_("[output removed: it showed the hidden tests]")  # translated where it is shown
SAFE_OUTPUT_TYPES = ("text/plain", "image/png", "image/jpeg")


def plain(text):
    return ANSI.sub("", text)


def failed_output(message):
    """A hidden test's failure as the page shows it: the check's message after a cross, as a
    self-check prints it, in any language (no exception name)."""
    return nbformat.v4.new_output("error", ename="HiddenTestFailed", evalue=message, traceback=[f"✘ {message}"])


def _output_text(output):
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "\n".join([output.get("evalue", ""), *output.get("traceback", [])])
    return "\n".join(str(value) for value in output.get("data", {}).values())


def _shows_any(output, lines):
    text = plain(_output_text(output))
    return any(line in text for line in lines)


def _inert(output):
    """``output`` without what could run in the page or hide text: scripts, HTML, metadata."""
    if "data" in output:
        output.data = {kind: value for kind, value in output.data.items() if kind in SAFE_OUTPUT_TYPES}
        if not output.data:
            output.data = {"text/plain": _("[output not shown: only text and images are]")}
    if "metadata" in output:
        output.metadata = {}
    return output


def sanitize(nb, release, verdicts, hidden_lines=(), notes=()):
    """Rewrite ``nb`` (the autograded notebook) in place into what its feedback page may show.

    Graded test cells get the release's source and, as output, their verdict:
    ``verdicts`` maps grade_id to ``None`` (passed) or a failure message. Any
    other output that shows one of ``hidden_lines`` (a notebook can capture
    the hidden tests as they run and print them later) is replaced by a line
    saying so; the others keep only text and images, never HTML or script.
    ``notes`` (what the grader did to recover a damaged notebook) open the page.
    """
    sources = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in release.cells}
    for cell in nb.cells:
        if cell.get("outputs"):
            cell.outputs = plain_streams(cell.outputs)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in verdicts:
            cell.source = sources.get(grade_id, "")
            message = verdicts[grade_id]
            if message is None:
                passed = _("✔ All hidden tests passed.") + "\n"
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=passed)]
            else:
                cell.outputs = [failed_output(message)]
        elif cell.get("outputs"):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=_(HIDDEN_OUTPUT) + "\n")
                            if _shows_any(output, hidden_lines) else _inert(output) for output in cell.outputs]
    if notes:
        heading = _("**Before grading, your notebook was repaired:**")
        text = heading + "\n\n" + "\n".join(f"- {note}" for note in notes)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(text))
    return nb


def failure_page(student, lesson, message, cells):
    """A plain feedback page for a submission nbgrader could not run at all."""
    rows = "".join(
        f"<tr><td>{html_safety.text(c['exercise'])}</td><td>0 / {number(c['max'])}</td></tr>" for c in cells
    )
    total = sum(c["max"] for c in cells)
    title = _("{lesson} feedback for {student}").format(lesson=lesson, student=student)
    failed, exercise, score = _("Your notebook could not be graded."), _("exercise"), _("score")
    return html_safety.with_policy(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html_safety.text(title)}</title></head><body>"
        f"<h1>{html_safety.text(lesson)}: 0 / {number(total)}</h1>"
        f"<p><strong>{html_safety.text(failed)}</strong> {html_safety.text(message)}</p>"
        f"<table border='1' cellpadding='4'><tr><th>{html_safety.text(exercise)}</th>"
        f"<th>{html_safety.text(score)}</th></tr>"
        f"{rows}</table>"
        "</body></html>"
    )


# Messages and hints wrap at the page's width instead of running off to the right.
PAGE_STYLE = "<style>div.output_area pre, div.output_subarea pre { white-space: pre-wrap; overflow-wrap: anywhere; }</style>"


def exercise_titles(nb):
    """grade_id of each graded test cell -> the title of its exercise ("Exercise 1 · a square layer")."""
    titles, title = {}, None
    for cell in nb.cells:
        found = exercise_title(cell.source) if cell.cell_type == "markdown" else None
        title = found.replace("`", "").strip() if found else title
        nbgrader = cell.metadata.get("nbgrader", {})
        if nbgrader.get("grade") and not nbgrader.get("solution") and title:
            titles[nbgrader["grade_id"]] = title
    return titles


# Where nbgrader's feedback template (English only) writes "Score: 13.0 / 28.0": the page's heading,
# the score list, and the corner of each graded cell.
TEMPLATE_SCORE = re.compile(r'(<h4>[^<]*\(|</a> \(|<span class="pull-right">\s*)Score: ([0-9.]+) / ([0-9.]+)')
TEMPLATE_LABELS = (N_("Student's answer"), N_("Grade cell"))
TEMPLATE_COMMENT = re.compile(r'(<a href="#comment-[^"]*">)Comment</a>')  # an answer cell in the score list


def finish_page(page, titles):
    """nbgrader's feedback HTML with exercise titles in its score list (not "Test cell"), its own words
    in the language of the moment, and wrapped outputs; its body cleaned, its head with the policy."""
    for grade_id, title in titles.items():
        page = page.replace(f'<a href="#{grade_id}">Test cell</a>',
                            f'<a href="#{grade_id}">{html_safety.text(title)}</a>')
    score = html_safety.text(_("Score"))
    page = TEMPLATE_SCORE.sub(lambda found: f"{found.group(1)}{score}: {number(float(found.group(2)))} / "
                                            f"{number(float(found.group(3)))}", page)
    for label in TEMPLATE_LABELS:
        page = page.replace(f'<span class="nbgrader-label">{label}',
                            f'<span class="nbgrader-label">{html_safety.text(_(label))}')
    comment = html_safety.text(_("Comment"))
    page = TEMPLATE_COMMENT.sub(lambda found: f"{found.group(1)}{comment}</a>", page)
    top = html_safety.text(_("Top"))
    page = page.replace('<a href="#top">(Top)</a>', f'<a href="#top">({top})</a>')
    return html_safety.sanitized_page(page.replace("</head>", PAGE_STYLE + "\n</head>", 1))


def terminal_text(text):
    """What a terminal shows for ``text``: carriage returns and backspaces applied, colour codes dropped.

    A live progress bar redraws itself with them; a page shows each redraw.
    """
    lines = []
    for raw in plain(text).split("\n"):
        line, column = [], 0
        for char in raw:
            if char == "\r":
                column = 0
            elif char == "\b":
                column = max(column - 1, 0)
            else:
                line[column:column + 1] = [char]
                column += 1
        lines.append("".join(line).rstrip())
    return "\n".join(lines)


def plain_streams(outputs):
    """``outputs`` with adjacent stream outputs of one stream merged and shown as a terminal would."""
    merged = []
    for output in outputs:
        if (output.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1] = nbformat.v4.new_output("stream", name=output["name"], text=merged[-1]["text"] + output["text"])
        else:
            merged.append(output)
    return [nbformat.v4.new_output("stream", name=o["name"], text=terminal_text(o["text"]))
            if o.get("output_type") == "stream" else o for o in merged]
