"""The class report: ``report.html`` next to ``gradebook.csv``, one self-contained page.

For each lesson it shows how the totals are spread, and for each exercise
the mean points, the share of full marks and of zeros, the commonest failure
messages, and an item analysis as assessment practice does it:

* difficulty: mean score / max score (1 = everyone full marks);
* discrimination: the correlation, over the graded submissions, of the
  exercise's score with the rest of the lesson's score (the lesson total
  without this exercise). It is undefined when either does not vary, and
  the page says why instead of printing ``nan``.

Only submissions with status ``graded`` enter these statistics: a rejected
file or a grader error says nothing about what a student understood. Those
are listed with their message, with the grading time of every submission,
the roster students who handed nothing in, and the pairs that copy detection
flagged (when ``similarity`` ran into ``<grading dir>/similarity``).
Plots are matplotlib PNGs inlined as base64, so the file can be mailed or
opened anywhere without the folder.
"""
import base64
import io
import json
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from course import gradebook, html_safety, roster
from utils.i18n import _, integer, language, number, speaking

FILE_NAME = "report.html"
EASY, HARD, LOW_DISCRIMINATION = 0.9, 0.2, 0.2
MIN_FOR_CORRELATION = 3


@dataclass
class Exercise:
    """Item statistics of one exercise over a lesson's graded submissions."""

    name: str
    max: float
    scores: list
    rest: list
    failed: int = 0
    reasons: list = field(default_factory=list)

    @property
    def mean(self):
        return statistics.fmean(self.scores)

    @property
    def full_share(self):
        return sum(s >= self.max for s in self.scores) / len(self.scores)

    @property
    def zero_share(self):
        return sum(s == 0 for s in self.scores) / len(self.scores)

    @property
    def difficulty(self):
        return self.mean / self.max if self.max else None

    def discrimination(self):
        """``(correlation, None)``, or ``(None, why it is undefined)``."""
        if len(self.scores) < MIN_FOR_CORRELATION:
            return None, _("undefined: needs at least {count} graded submissions").format(count=MIN_FOR_CORRELATION)
        if len(set(self.scores)) == 1:
            return None, _("undefined: every student scored the same here")
        if len(set(self.rest)) == 1:
            return None, _("undefined: the rest of the lesson scored the same for everyone")
        return float(np.corrcoef(self.scores, self.rest)[0, 1]), None

    def flags(self):
        flags = []
        if self.difficulty is not None and self.difficulty > EASY:
            flags.append(("easy", _("too easy: nearly everyone passes")))
        if self.difficulty is not None and self.difficulty < HARD:
            flags.append(("hard", _("too hard: nearly no one passes")))
        value = self.discrimination()[0]
        if value is not None and value < LOW_DISCRIMINATION:
            flags.append(("flat", _("does not discriminate: stronger and weaker students score alike")))
        return flags


def graded(results):
    return [r for r in results if r["status"] == "graded"]


def item_analysis(results):
    """``{lesson: [Exercise, ...]}`` in notebook order, from the graded submissions."""
    lessons = {}
    for lesson in roster.lessons_of(results):
        subs = [r for r in graded(results) if r["lesson"] == lesson]
        if not subs:
            continue
        names = list(dict.fromkeys(c["exercise"] for r in subs for c in r["cells"]))
        exercises = {}
        for name in names:
            cells = [(next((c for c in r["cells"] if c["exercise"] == name), None), r["score"]) for r in subs]
            maximum = max(cell["max"] for cell, total in cells if cell)
            scores = [cell["score"] if cell else 0.0 for cell, total in cells]
            exercises[name] = Exercise(name, maximum, scores, [total - s for (cell, total), s in zip(cells, scores)])
        for _lesson, exercise, failed, _graded, reasons in gradebook.failure_summary(subs):
            exercises[exercise].failed, exercises[exercise].reasons = failed, reasons
        lessons[lesson] = list(exercises.values())
    return lessons


def histogram(totals, max_score):
    """``(labels, counts)``: one bin per point up to 20 points, else bins of a few whole points each."""
    top = int(np.ceil(max_score))
    width = 1 if top <= 20 else int(np.ceil((top + 1) / 12))
    starts = list(range(0, top + 1, width))
    labels = [f"{s}" if width == 1 else f"{s}–{min(s + width - 1, top)}" for s in starts]
    counts = np.histogram(totals, bins=[s - 0.5 for s in starts] + [starts[-1] + width - 0.5])[0]
    return labels, [int(c) for c in counts]


def _png(fig):
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def lesson_figure(totals, max_score, exercises):
    """The lesson's plot (totals histogram, then difficulty and discrimination per exercise) and its alt text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from utils.plotting import NumberTicks

    labels, counts = histogram(totals, max_score)
    height = min(5.5, max(3.2, 0.4 * len(exercises) + 1.4))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, height), gridspec_kw={"width_ratios": [1, 1.15]})
    left.bar(range(len(counts)), counts, color="#4c72b0", width=0.85)
    crowded = len(labels) > 12 or "–" in labels[0]
    left.set_xticks(range(len(counts)), labels, rotation=45 if crowded else 0, ha="right" if crowded else "center")
    left.set_xlabel(_("total points (out of {max_score})").format(max_score=number(max_score)))
    left.set_ylabel(_("submissions"))
    left.set_title(_("Totals of the graded submissions"))
    left.yaxis.get_major_locator().set_params(integer=True)

    names = [e.name for e in exercises]
    y = np.arange(len(names))
    difficulty = [e.difficulty or 0.0 for e in exercises]
    discrimination = [e.discrimination()[0] for e in exercises]
    right.barh(y - 0.2, difficulty, height=0.38, color="#4c72b0", label=_("difficulty (mean / max)"))
    right.barh(y + 0.2, [d or 0.0 for d in discrimination], height=0.38, color="#dd8452",
               label=_("discrimination (r with rest)"))
    for i, d in enumerate(discrimination):
        if d is None:
            right.text(0.02, i + 0.2, _("undefined"), va="center", fontsize=8, color="#555")
    right.axvline(HARD, color="#888", linestyle=":", linewidth=1)
    right.axvline(EASY, color="#888", linestyle=":", linewidth=1)
    right.axvline(0, color="black", linewidth=0.6)
    right.xaxis.set_major_formatter(NumberTicks())
    right.set_yticks(y, names)
    right.invert_yaxis()
    right.set_xlim(min(-0.2, min((d for d in discrimination if d is not None), default=0) - 0.05), 1.05)
    right.set_title(_("Item analysis (dotted: {hard} and {easy})").format(hard=number(HARD), easy=number(EASY)))
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    alt = (_("Histogram of the totals of {count} graded submissions out of {max_score} points: ").format(
               count=integer(len(totals)), max_score=number(max_score))
           + "; ".join(_("{label} points: {count}").format(label=label, count=integer(count))
                       for label, count in zip(labels, counts))
           + ". " + _("Difficulty and discrimination per exercise: ")
           + "; ".join(_("{exercise} {difficulty} and {discrimination}").format(
               exercise=e.name, difficulty=_ratio(e.difficulty), discrimination=_ratio(d))
               for e, d in zip(exercises, discrimination))
           + ".")
    return _png(fig), alt


def _ratio(value):
    return _("undefined") if value is None else number(value, 2)


def _pct(share):
    return f"{number(100 * share, 0)} %"


def _e(text):
    return html_safety.text(text)


CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 0 auto;
       max-width: 1120px; padding: 24px 32px 64px; }
h1 { margin-bottom: 4px; } h2 { margin-top: 48px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
h3 { margin-top: 28px; }
.muted { color: #666; }
table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.flag { display: inline-block; border-radius: 4px; padding: 0 6px; margin: 1px 0; font-size: 13px; }
.flag.easy { background: #e3f1e6; color: #1f5f2c; } .flag.hard { background: #fbe4e4; color: #8a1f1f; }
.flag.flat { background: #fff1d6; color: #6b4a00; }
.attention { background: #fff8e6; border: 1px solid #f0d9a0; border-radius: 6px; padding: 8px 16px; }
.ok { background: #eef7ef; border: 1px solid #c8e3cb; border-radius: 6px; padding: 8px 16px; }
.stats { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 8px 0; padding: 0; }
.stats div { display: flex; gap: 6px; } .stats dt { color: #666; } .stats dd { margin: 0; font-weight: 600; }
img { max-width: 100%; height: auto; }
ul.reasons { margin: 4px 0 12px; } ul.reasons li { margin: 2px 0; }
code { background: #f4f4f6; padding: 0 3px; border-radius: 3px; }
details summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
"""


def _table(headers, rows, numeric=()):
    head = "".join(f'<th class="num">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
                   for i, h in enumerate(headers))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _lesson_section(lesson, subs, exercises):
    totals = [r["score"] for r in subs]
    max_score = max(r["max_score"] for r in subs)
    image, alt = lesson_figure(totals, max_score, exercises)
    seconds = [r.get("seconds", 0.0) for r in subs]
    slowest = max(subs, key=lambda r: r.get("seconds", 0.0))
    stats = [("graded", _("submissions graded"), integer(len(subs))), ("mean", _("mean"), number(statistics.fmean(totals), 2)),
             ("median", _("median"), number(statistics.median(totals))), ("lowest", _("lowest"), number(min(totals))),
             ("highest", _("highest"), number(max(totals))), ("out of", _("out of"), number(max_score)),
             ("median grading time", _("median grading time"), f"{integer(statistics.median(seconds))} s"),
             ("slowest", _("slowest"), f"{integer(slowest.get('seconds', 0.0))} s ({slowest['student']})")]
    parts = [f'<h2 id="lesson-{_e(lesson)}">{_e(lesson)}</h2>', f'<dl class="stats" data-lesson="{_e(lesson)}">']
    parts += [f'<div><dt>{_e(label)}</dt><dd data-key="{_e(key)}">{_e(value)}</dd></div>'
              for key, label, value in stats]
    parts.append("</dl>")
    parts.append(f'<img src="data:image/png;base64,{image}" alt="{_e(alt)}" title="{_e(alt)}">')
    rows = []
    for e in exercises:
        value, why = e.discrimination()
        flags = " ".join(f'<span class="flag {kind}">{_e(text)}</span>' for kind, text in e.flags())
        disc = number(value, 2) if value is not None else f'<span class="muted">{_e(why)}</span>'
        rows.append(f'<tr data-exercise="{_e(e.name)}"><td><code>{_e(e.name)}</code></td>'
                    f'<td class="num" data-key="max">{number(e.max)}</td>'
                    f'<td class="num" data-key="mean">{number(e.mean, 2)}</td>'
                    f'<td class="num" data-key="full">{_pct(e.full_share)}</td>'
                    f'<td class="num" data-key="zero">{_pct(e.zero_share)}</td>'
                    f'<td class="num" data-key="difficulty">{_ratio(e.difficulty)}</td>'
                    f'<td data-key="discrimination">{disc}</td><td>{flags}</td></tr>')
    parts.append(_table([_("Exercise"), _("Points"), _("Mean"), _("Full marks"), _("Zero"), _("Difficulty"),
                         _("Discrimination"), _("Flags")], rows, numeric={1, 2, 3, 4, 5}))
    failing = [e for e in exercises if e.failed]
    if failing:
        parts.append(_element("h3", _("What the class got wrong (commonest messages)")))
        for e in failing:
            lost = _("{failed} of {graded} lost points").format(failed=integer(e.failed), graded=integer(len(e.scores)))
            parts.append(f"<p><code>{_e(e.name)}</code>: {_e(lost)}</p>"
                         '<ul class="reasons">'
                         + "".join(f'<li data-count="{n}"><b>{n} ×</b> {_e(reason)}</li>' for reason, n in e.reasons)
                         + "</ul>")
    return "\n".join(parts)


def _copies(out):
    """Flagged pairs of ``<out>/similarity/pairs.json``, or None when similarity did not run."""
    path = Path(out) / "similarity" / "pairs.json"
    if not path.is_file():
        return None
    return [p for p in json.loads(path.read_text())["pairs"] if p["flagged"]]


def render(results, out, people=None):
    """The report's HTML for ``results``, in the language of their edition; ``people`` is the roster (or None)."""
    with speaking(gradebook.class_language(results)):
        return _page(results, out, people)


def _page(results, out, people):
    analysis = item_analysis(results)
    not_graded = sorted((r for r in results if r["status"] != "graded"), key=lambda r: (r["lesson"], r["student"]))
    absent = roster.missing(people, results) if people else []
    strangers = roster.not_on_roster(people, results) if people else []
    copies = _copies(out)
    students = ({r["student"] for r in strangers} | set(people)) if people else {r["student"] for r in results}
    attention = []
    if not_graded:
        attention.append(("not-graded", _("{count} submission(s) could not be graded"), len(not_graded)))
    if absent:
        attention.append(("missing", _("{count} lesson submission(s) missing from roster students"), len(absent)))
    if strangers:
        attention.append(("missing", _("{count} submission(s) from students not on the roster"), len(strangers)))
    if copies:
        attention.append(("copies", _("{count} pair(s) of submissions look copied"), len(copies)))
    counts = [("students", _("students"), len(students)), ("submissions", _("submissions"), len(results)),
              ("graded", _("submissions graded"), len(graded(results))),
              ("not graded", _("submissions not graded"), len(not_graded))]
    counts += [("roster", _("on the roster"), len(people))] if people else []
    files = ['<a href="gradebook.csv">gradebook.csv</a>', '<a href="summary.md">summary.md</a>',
             '<a href="feedback/">feedback/</a>'] + (['<a href="similarity/index.html">similarity/</a>']
                                                     if copies is not None else [])
    everything = (_("Every submission was graded, every roster student handed in every lesson.") if people
                  else _("Every submission was graded."))
    files_label, lessons_label = _("Files:"), _("Lessons:")
    written = _("{folder}, written {time}.").format(folder=Path(out).resolve(), time=f"{datetime.now():%Y-%m-%d %H:%M}")
    explanation = _("Difficulty is the mean score over the maximum; discrimination is the correlation of the "
                    "exercise's score with the rest of the lesson's score. Flags: too easy above {easy}, too hard "
                    "below {hard}, not discriminating below {low}. Only graded submissions count here.").format(
        easy=number(EASY), hard=number(HARD), low=number(LOW_DISCRIMINATION))
    parts = [
        "<!DOCTYPE html>", f'<html lang="{language().replace("_", "-")}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        _element("title", _("Class report: {folder}").format(folder=Path(out).name)) + f"<style>{CSS}</style></head><body>",
        _element("h1", _("Class report")),
        f'<p class="muted">{_e(written)} {_e(files_label)} {", ".join(files)}.</p>',
        '<dl class="stats">' + "".join(f'<div><dt>{_e(label)}</dt><dd data-key="{key}">{integer(count)}</dd></div>'
                                       for key, label, count in counts) + "</dl>",
        '<div class="attention">' + _element("b", _("Needs your attention")) + "<ul>"
        + "".join(f'<li><a href="#{anchor}">{_e(text.format(count=integer(count)))}</a></li>'
                  for anchor, text, count in attention) + "</ul></div>" if attention
        else f'<div class="ok">{_e(everything)}</div>',
        f"<p>{_e(lessons_label)} " + ", ".join(f'<a href="#lesson-{_e(lesson)}">{_e(lesson)}</a>' for lesson in analysis)
        + "</p>",
        f'<p class="muted">{_e(explanation)}</p>',
    ]
    for lesson, exercises in analysis.items():
        parts.append(_lesson_section(lesson, [r for r in graded(results) if r["lesson"] == lesson], exercises))

    parts.append(_element("h2", _("Submissions that could not be graded"), "not-graded"))
    if not_graded:
        parts.append(_table([_("Student"), _("Lesson"), _("File"), _("Status"), _("Why")], [
            f'<tr data-student="{_e(r["student"])}" data-lesson="{_e(r["lesson"])}"><td>{_e(r["student"])}</td>'
            f'<td>{_e(r["lesson"])}</td><td>{_e(r.get("source_name", ""))}</td>'
            f'<td>{_e(gradebook.status_word(r["status"]))}</td><td>{_e(r["message"])}</td></tr>' for r in not_graded]))
    else:
        parts.append(_paragraph(_("None.")))

    parts.append(_element("h2", _("Missing work"), "missing"))
    if people is None:
        parts.append(_paragraph(_("No roster was given, so nobody can be missing: pass --roster roster.csv "
                                  "(columns student id, name, email, lms id) to grade or report.")))
    else:
        if absent:
            parts.append(_table([_("Lesson"), _("Student id"), _("Name"), _("Email")], [
                f'<tr data-missing="{_e(p.student)}" data-lesson="{_e(lesson)}"><td>{_e(lesson)}</td>'
                f"<td>{_e(p.student)}</td><td>{_e(p.name)}</td><td>{_e(p.email)}</td></tr>" for lesson, p in absent]))
        else:
            parts.append(_paragraph(_("Every roster student handed in every lesson.")))
        if strangers:
            parts.append(_element("h3", _("Submissions from students not on the roster")) + _paragraph(
                _("They are graded but exported nowhere: fix the file name or add the student to the roster.")))
            parts.append(_table([_("Student id"), _("Lesson"), _("File")], [
                f'<tr data-stranger="{_e(r["student"])}"><td>{_e(r["student"])}</td><td>{_e(r["lesson"])}</td>'
                f'<td>{_e(r.get("source_name", ""))}</td></tr>' for r in strangers]))

    if copies is not None:
        parts.append(_element("h2", _("Possible copies"), "copies"))
        if copies:
            pair, compare = _("{a} and {b}"), _("compare")
            parts.append(_table([_("Lesson"), _("Students"), _("Shared code"), _("Side by side")], [
                f'<tr data-pair="{_e(p["a"])}|{_e(p["b"])}"><td>{_e(p["lesson"])}</td>'
                + _element("td", pair.format(a=p["a"], b=p["b"])) + f'<td class="num">{_pct(p["score"])}</td>'
                f'<td><a href="similarity/{_e(p["page"])}">{_e(compare)}</a></td></tr>' for p in copies],
                numeric={2}))
        else:
            parts.append(_paragraph(_("No pair of submissions shares enough answer code to be flagged.")))

    timed = sorted(results, key=lambda r: -r.get("seconds", 0.0))
    parts.append(_element("h2", _("Grading time"), "time") + "<details>"
                 + _element("summary", _("Every submission, slowest first ({count})").format(count=integer(len(timed)))))
    parts.append(_table([_("Student"), _("Lesson"), _("Status"), _("Seconds")], [
        f'<tr><td>{_e(r["student"])}</td><td>{_e(r["lesson"])}</td><td>{_e(gradebook.status_word(r["status"]))}</td>'
        f'<td class="num">{number(r.get("seconds", 0.0), 1)}</td></tr>' for r in timed], numeric={3}))
    parts.append("</details></body></html>")
    return html_safety.with_policy("\n".join(parts) + "\n")


def _paragraph(text):
    return _element("p", text)


def _element(tag, text, anchor=None):
    """``<tag>text</tag>``, the text escaped, with ``id=anchor`` when given."""
    opening = f'<{tag} id="{anchor}">' if anchor else f"<{tag}>"
    return f"{opening}{_e(text)}</{tag}>"


def write_report(out, roster_path=None):
    """Write ``<out>/report.html`` from ``<out>/results``; return its path."""
    out = Path(out)
    people = roster.for_grading(out, roster_path)
    path = out / FILE_NAME
    results, _ = gradebook.class_results(out)
    path.write_text(render(results, out, people), encoding="utf-8")
    return path
