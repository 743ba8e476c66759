"""Recover a student's work from a damaged notebook, before nbgrader grades it.

Notebooks lose their nbgrader metadata (cells pasted into a new notebook, or
saved by an editor that drops it), get answer cells split or copied, and
locked cells edited, moved, deleted or re-tagged. nbgrader 0.9.6 then grades
honest work 0, or fails: ``DeduplicateIds`` leaves ``metadata.nbgrader = {}``
on a copied cell and ``add_missing_cells`` raises ``KeyError: 'grade_id'``.

:func:`recover` rebuilds the notebook from the release instead. The result
holds every release cell once, in the release's order, with the release's
metadata; locked cells (explanations, self-checks, hidden tests) are the
release's, whatever the student did to them; each answer cell holds the
student's code for that answer; the student's own extra cells stay where
they were, between the same release cells.

Submission cells are matched to release cells by a sequence alignment, which
keeps the notebook's order, on two kinds of evidence: the grade_id of a cell
whose metadata survived, and the content (a locked cell's lines; an answer
cell's function and class names). An answer the alignment left empty then
takes, in this order: the other cells tagged with its grade_id (an answer
split in two, or copied); the untagged code cells standing where it stands,
between its two matched neighbours; a cell elsewhere that defines its names
(a moved answer). Copies of locked cells are left out: the release's cell runs.
"""
import copy
import difflib
import functools
import re
from collections import defaultdict

from course import notebook_format
from course.exercise_headings import exercise_title
from course.lessons import lesson_ids, notebook_name
from course.translation import release_path
from utils.i18n import ENGLISH, _, ngettext

# Share of its lines a locked cell must keep to be recognised by its content alone.
MIN_SIMILARITY = 0.6
# A submission is another lesson's when at least this share of that lesson's
# locked text is in it, and this much more than of its own lesson's.
OTHER_LESSON_SHARE = 0.5
WRONG_LESSON_MARGIN = 0.25
# Below this share of its lesson's locked text, with no answer recognised, a
# submission is not that lesson's notebook at all.
MIN_OWN_SHARE = 0.2
DEFINITION = re.compile(r"^(?:async\s+def|def|class)\s+(\w+)", re.M)


def _nbgrader(cell):
    return cell.metadata.get("nbgrader") or {}


def _grade_id(cell):
    return _nbgrader(cell).get("grade_id")


def _is_answer(cell):
    return bool(_nbgrader(cell).get("solution"))


def _is_test(cell):
    return bool(_nbgrader(cell).get("grade")) and not _is_answer(cell)


def _lines(source):
    return tuple(line.rstrip() for line in source.splitlines() if line.strip())


def defined_names(source):
    """Names of the functions and classes a cell defines at its top level (found by
    pattern, so that code with a syntax error still shows what it defines)."""
    return set(DEFINITION.findall(source))


def _similarity(release_lines, lines, is_test):
    """1 for the same lines (a test cell may have its hidden tests after them, as in the
    source notebook), the share of common lines above MIN_SIMILARITY, else 0."""
    if lines == release_lines or (is_test and release_lines and lines[:len(release_lines)] == release_lines):
        return 1.0
    if not lines or not release_lines or set(lines).isdisjoint(release_lines):
        return 0.0
    ratio = difflib.SequenceMatcher(None, release_lines, lines, autojunk=False).ratio()
    return ratio if ratio >= MIN_SIMILARITY else 0.0


class _Release:
    """A release notebook, with what matching needs of each cell."""

    def __init__(self, nb):
        self.nb = nb
        self.cells = nb.cells
        self.lines = [_lines(c.source) for c in nb.cells]
        self.names = [defined_names(c.source) if _is_answer(c) else set() for c in nb.cells]
        self.index = {_grade_id(c): i for i, c in enumerate(nb.cells)}
        self.titles, title = {}, None
        for i, cell in enumerate(nb.cells):
            title = (exercise_title(cell.source) if cell.cell_type == "markdown" else None) or title
            if _is_answer(cell):
                self.titles[i] = title or _("the exercise '{grade_id}'").format(grade_id=_grade_id(cell))

    def locked_share(self, cells):
        """Share of this release's locked text that ``cells`` hold unchanged."""
        present = {_lines(c.source) for c in cells}
        locked = [(len(c.source), lines) for c, lines in zip(self.cells, self.lines) if not _is_answer(c)]
        return sum(n for n, lines in locked if lines in present) / max(1, sum(n for n, _ in locked))

    def score(self, i, cell, lines, names):
        """How well a submission cell (with its ``_lines`` and ``defined_names``) fits release
        cell ``i``: its tag, plus its content."""
        release_cell = self.cells[i]
        if cell.cell_type != release_cell.cell_type:
            return 0.0
        tagged = float(_grade_id(cell) == _grade_id(release_cell))
        if _is_answer(release_cell):
            return tagged + (len(self.names[i] & names) / len(self.names[i]) if self.names[i] else 0.0)
        return tagged + _similarity(self.lines[i], lines, _is_test(release_cell))

    def locked_copy(self, cell):
        """Whether ``cell`` is a copy of one of the release's locked cells (by tag or content)."""
        i = self.index.get(_grade_id(cell))
        if i is not None and not _is_answer(self.cells[i]):
            return True
        lines = _lines(cell.source)
        return any(not _is_answer(c) and c.cell_type == cell.cell_type
                   and _similarity(self.lines[k], lines, _is_test(c)) == 1.0 for k, c in enumerate(self.cells))


def locked_share(release, cells):
    """Share of the locked text of ``release`` (a release notebook) that ``cells`` hold unchanged."""
    return _Release(release).locked_share(cells)


def _align(release, cells, lines, names):
    """Release index -> submission index, the order-keeping matching of highest total score."""
    n, m = len(release.cells), len(cells)
    scores = [[release.score(i, *facts) for facts in zip(cells, lines, names)] for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n):
        for j in range(m):
            pair = best[i][j] + scores[i][j] if scores[i][j] > 0 else -1.0
            best[i + 1][j + 1] = max(best[i][j + 1], best[i + 1][j], pair)
    matched, i, j = {}, n, m
    while i and j:  # back from the end; of equally good matchings, the one of earlier cells
        if best[i][j] == best[i][j - 1]:
            j -= 1
        elif scores[i - 1][j - 1] > 0 and best[i][j] == best[i - 1][j - 1] + scores[i - 1][j - 1]:
            matched[i - 1] = j - 1
            i, j = i - 1, j - 1
        else:
            i -= 1
    return matched


def _start(cell):
    first = next(iter(_lines(cell.source)), "").strip()
    return first if len(first) <= 50 else first[:47] + "..."


def _numbers(indexes, shown=8):
    numbers = [str(j + 1) for j in sorted(indexes)]
    if len(numbers) > shown:
        numbers = numbers[:shown] + [_("{count} more").format(count=len(numbers) - shown)]
    if len(numbers) == 1:
        return numbers[0]
    return _("{first} and {last}").format(first=", ".join(numbers[:-1]), last=numbers[-1])


def _cells_phrase(indexes):
    return ngettext("cell {numbers}", "cells {numbers}", len(indexes)).format(numbers=_numbers(indexes))


def _lesson_label(lesson):
    return _("lesson {number} ({notebook})").format(number=lesson[:2], notebook=notebook_name(lesson))


@functools.cache
def committed_release(lesson, language=ENGLISH):
    """The lesson's release notebook of the ``language`` edition, as committed in ``notebooks/``
    (for telling lessons, and editions, apart)."""
    return notebook_format.read(release_path(lesson, language))


def committed_releases(language=ENGLISH):
    """Lesson id -> its committed release notebook of the ``language`` edition."""
    return {lesson: committed_release(lesson, language) for lesson in lesson_ids()}


class _Recovery:
    """One submission matched to its lesson's release: which submission cells
    answer which exercise, which are the student's own, which are left out."""

    def __init__(self, release, cells):
        self.release, self.cells = release, cells
        self.lines = [_lines(c.source) for c in cells]
        self.names = [defined_names(c.source) for c in cells]
        self.matched = _align(release, cells, self.lines, self.names)
        answers = [i for i, c in enumerate(release.cells) if _is_answer(c)]
        self.answers = {i: [self.matched[i]] for i in answers if i in self.matched}
        self.found_by = {}  # answer index -> "place" or "names", when found by either
        for j in self._free():
            i = release.index.get(_grade_id(cells[j]))
            if i in answers:
                self.answers[i] = sorted(self.answers.get(i, []) + [j])
        for i in answers:
            if i not in self.answers:
                self._find_in_place(i) or self._find_by_names(i)
        self.copies = [j for j in self._free() if release.locked_copy(cells[j])]
        self.extras = [j for j in self._free() if j not in self.copies and self.lines[j]]

    def _free(self):
        taken = set(self.matched.values()) | {j for js in self.answers.values() for j in js}
        return [j for j in range(len(self.cells)) if j not in taken]

    def _find_in_place(self, i):
        """The student's code cells between the cells that match answer ``i``'s two neighbours."""
        n = len(self.release.cells)
        if (i > 0 and i - 1 not in self.matched) or (i + 1 < n and i + 1 not in self.matched):
            return False
        low = self.matched[i - 1] if i > 0 else -1
        high = self.matched[i + 1] if i + 1 < n else len(self.cells)
        gap = [j for j in self._free() if low < j < high and self.cells[j].cell_type == "code"
               and self.lines[j] and not self.release.locked_copy(self.cells[j])]
        if gap:
            self.answers[i], self.found_by[i] = gap, "place"
        return bool(gap)

    def _find_by_names(self, i):
        names = self.release.names[i]
        found = [j for j in self._free() if self.cells[j].cell_type == "code"
                 and names and names <= self.names[j]]
        if found:
            self.answers[i], self.found_by[i] = found[:1], "names"

    def unrecoverable_test(self):
        """(test cell index, answer index) of a test cell re-tagged as an answer cell that holds
        code of its own while its exercise's answer cell holds none, else None."""
        answer = None
        for i, release_cell in enumerate(self.release.cells):
            if _is_answer(release_cell):
                answer = i
            j = self.matched.get(i)
            if (_is_test(release_cell) and answer is not None and j is not None and _is_answer(self.cells[j])
                    and self.lines[j] != self.release.lines[i]
                    and self._answer_lines(answer) in ((), self.release.lines[answer])):
                return j, answer
        return None

    def _answer_lines(self, i):
        return tuple(line for j in self.answers.get(i, []) for line in self.lines[j])

    def recognised(self):
        """Whether any answer cell was recognised by its tag or its names."""
        return any(self.release.score(i, self.cells[js[0]], self.lines[js[0]], self.names[js[0]]) > 0
                   for i, js in self.answers.items())

    def notebook(self):
        """The notebook to grade: the release's cells, the student's answers and extra cells."""
        after = defaultdict(list)  # release index -> the student's extra cells that follow it
        where = {j: i for i, j in self.matched.items()}
        where.update({j: i for i, js in self.answers.items() for j in js})
        for j in self.extras:
            before = [k for k in where if k < j]
            after[where[max(before)] if before else -1].append(j)
        nb = copy.deepcopy(self.release.nb)
        nb.cells = [self._extra(j) for j in after[-1]]
        for i, release_cell in enumerate(self.release.cells):
            cell = copy.deepcopy(release_cell)
            if _is_answer(release_cell):
                cell.source = self._answer_source(i)
            nb.cells.append(cell)
            nb.cells.extend(self._extra(j) for j in after[i])
        return nb

    def _defined_elsewhere(self, i):
        """The student's cells kept for grading that define names of answer ``i``, which has no cell of its own
        (the release's empty answer would replace them)."""
        kept = self.extras + [j for js in self.answers.values() for j in js]
        return sorted(j for j in kept if self.release.names[i] & self.names[j])

    def _answer_source(self, i):
        if i in self.answers:
            return "\n\n".join(self.cells[j].source.strip("\n") for j in self.answers[i])
        if self._defined_elsewhere(i):
            return _("# Your code for this exercise is in another cell of your notebook.")
        return self.release.cells[i].source

    def _extra(self, j):
        cell = copy.deepcopy(self.cells[j])
        for key in ("nbgrader", "editable", "deletable"):
            cell.metadata.pop(key, None)
        cell.id = f"student-cell-{j + 1}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        return cell

    def notes(self):
        """What was recovered, for the student."""
        notes = []
        untagged = [j for i, j in self.matched.items() if not _nbgrader(self.cells[j])]
        if untagged:
            notes.append(ngettext(
                "{count} cell of your notebook had lost its grading tags (this happens when cells are pasted into "
                "a new notebook or saved by some editors) and was recognised by content.",
                "{count} cells of your notebook had lost their grading tags (this happens when cells are pasted "
                "into a new notebook or saved by some editors) and were recognised by content.",
                len(untagged)).format(count=len(untagged)))
        for i, js in sorted(self.answers.items()):
            title = self.release.titles[i]
            if len(js) > 1:
                notes.append(_("Your answer to {title} was in {cells}; they were graded together, in that order, "
                               "as one answer.").format(title=title, cells=_cells_phrase(js)))
            elif i in self.found_by or not _nbgrader(self.cells[js[0]]):
                notes.append(_("Cell {number}, which starts `{start}`, was graded as your answer to {title}.")
                             .format(number=js[0] + 1, start=_start(self.cells[js[0]]), title=title))
        for i in sorted(set(self.release.titles) - set(self.answers)):
            elsewhere = self._defined_elsewhere(i)
            if elsewhere:
                notes.append(_("The answer cell of {title} was missing; your code for it in {cells} was graded.")
                             .format(title=self.release.titles[i], cells=_cells_phrase(elsewhere)))
            else:
                notes.append(_("No answer to {title} was found in your notebook; it was graded as unanswered.")
                             .format(title=self.release.titles[i]))
        changed = [j for i, j in self.matched.items() if not _is_answer(self.release.cells[i])
                   and self._changed(i, self.cells[j])]
        if changed:
            notes.append(_("Your changes to {cells} were undone: the course's own cells (explanations, "
                           "self-checks, tests) are always graded as released.").format(cells=_cells_phrase(changed)))
        missing = [i for i, c in enumerate(self.release.cells) if i not in self.matched and not _is_answer(c)]
        if missing:
            notes.append(ngettext("One of the course's cells was missing from your notebook; it was put back.",
                                  "{count} of the course's cells were missing from your notebook; they were put back.",
                                  len(missing)).format(count=len(missing)))
        if self.copies:
            notes.append(ngettext("Cell {numbers}, a copy of one of the course's own cells, was left out; "
                                  "the original ran in its place.",
                                  "Cells {numbers}, copies of the course's own cells, were left out; "
                                  "the originals ran in their place.",
                                  len(self.copies)).format(numbers=_numbers(self.copies)))
        return notes

    def _changed(self, i, cell):
        release_cell = self.release.cells[i]
        tags = ("solution", "grade", "locked")
        retagged = bool(_nbgrader(cell)) and any(bool(_nbgrader(cell).get(t)) != bool(_nbgrader(release_cell).get(t))
                                                 for t in tags)
        return retagged or _similarity(self.release.lines[i], _lines(cell.source), _is_test(release_cell)) < 1


def recover(nb, release, lesson, all_releases):
    """Match a submission to its lesson's release and rebuild it for grading.

    ``release`` is the lesson's release notebook, ``all_releases`` maps every
    lesson id to its release (to recognise a notebook of another lesson).
    Returns ``(notebook, notes, None)``, where ``notes`` tells the student in
    sentences what was recovered (empty for an intact notebook), or
    ``(None, [], rejection)`` when the file cannot be graded as this lesson,
    the rejection saying what to do. ``nb`` and the releases are not changed.
    """
    cells = list(nb.cells)
    target = _Release(release)
    if not any(_lines(c.source) for c in cells):
        return None, [], _("Your notebook is empty. Open {notebook} from the course, write your answers in its "
                           "answer cells, save it and submit it again.").format(notebook=notebook_name(lesson))
    own = target.locked_share(cells)
    shares = {other: locked_share(other_nb, cells)
              for other, other_nb in all_releases.items() if other != lesson}
    other = max(shares, key=shares.get, default=None)
    if other and shares[other] >= OTHER_LESSON_SHARE and shares[other] >= own + WRONG_LESSON_MARGIN:
        return None, [], _("This looks like {other}, but it was submitted for {lesson}. Submit {notebook} for "
                           "lesson {number}, and this file for lesson {other_number}.").format(
            other=_lesson_label(other), lesson=_lesson_label(lesson), notebook=notebook_name(lesson),
            number=lesson[:2], other_number=other[:2])
    recovery = _Recovery(target, cells)
    if own < MIN_OWN_SHARE and not recovery.recognised():
        return None, [], _("This notebook does not look like {lesson}: almost none of that lesson's cells are in "
                           "it. Open {notebook} from the course, write your answers in its answer cells, and submit "
                           "that file.").format(lesson=_lesson_label(lesson), notebook=notebook_name(lesson))
    unrecoverable = recovery.unrecoverable_test()
    if unrecoverable:
        j, answer = unrecoverable
        title = target.titles[answer]
        return None, [], _("Cell {number} is the hidden-test cell of {title}, but its grading tags were changed to "
                           "make it an answer cell, and it holds code of yours while the answer cell of that "
                           "exercise holds none. Test cells are replaced by the course's own when grading, so "
                           "that code would be lost. Move your code into the answer cell of {title}, put back "
                           "cell {number} from a fresh copy of {notebook} (or start from that copy), "
                           "and submit again.").format(number=j + 1, title=title, notebook=notebook_name(lesson))
    return recovery.notebook(), recovery.notes(), None
