"""Feedback a student may see: scores and messages, never the hidden tests.

nbgrader's ``generate_feedback`` renders the autograded notebook as it is,
hidden tests and tracebacks included (a known leak). Before it runs, the
grader rewrites every graded test cell of that notebook: its source becomes
the release version (hidden part removed) and its output a single line, the
check's own message.
"""
import html
import re

import nbformat

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text):
    return ANSI.sub("", text)


def error_output(ename, message):
    return nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


def sanitize(nb, release_sources, verdicts):
    """Rewrite graded test cells in place.

    ``release_sources`` maps grade_id to the release's cell source;
    ``verdicts`` maps grade_id to ``None`` (passed) or a failure message.
    """
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in verdicts:
            continue
        cell.source = release_sources.get(grade_id, "")
        message = verdicts[grade_id]
        if message is None:
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✔ All hidden tests passed.\n")]
        else:
            cell.outputs = [error_output("HiddenTestFailed", message)]
    return nb


def failure_page(student, lesson, message, cells):
    """A plain feedback page for a submission nbgrader could not run at all."""
    rows = "".join(
        f"<tr><td>{html.escape(c['exercise'])}</td><td>0 / {c['max']:g}</td></tr>" for c in cells
    )
    total = sum(c["max"] for c in cells)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(lesson)} feedback for {html.escape(student)}</title></head><body>"
        f"<h1>{html.escape(lesson)}: 0 / {total:g}</h1>"
        f"<p><strong>Your notebook could not be graded.</strong> {html.escape(message)}</p>"
        f"<table border='1' cellpadding='4'><tr><th>exercise</th><th>score</th></tr>{rows}</table>"
        "</body></html>"
    )
