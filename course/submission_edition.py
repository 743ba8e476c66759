"""Which edition of the course a submission was made from: English, or a translation (issue 16).

A notebook of a translated edition names it in ``metadata.course.language``
(:func:`course.translation.source_notebook` writes it). Cells pasted into a
new notebook lose that metadata, and an English notebook never had it: such a
notebook is of the edition whose release of its lesson its locked cells
(explanations, self-checks) match best, English when no translation matches
better. The answers cannot tell: identifiers are the same in every edition.
"""
from course.recover_cells import committed_release, locked_share
from course.submission_file import read_notebook
from course.translation import catalogues
from utils.i18n import ENGLISH


def editions():
    """Every edition a submission may be of: English first, then each translation."""
    return [ENGLISH, *catalogues.languages()]


def declared(nb):
    """The edition that ``nb``'s metadata names, or None (no such metadata, or no edition of the course)."""
    course = nb.metadata.get("course")
    language = course.get("language") if isinstance(course, dict) else None
    return language if language in editions() else None


def best_match(nb, lesson):
    """The edition whose release of ``lesson`` holds the most of ``nb``'s locked text; English on a tie."""
    shares = {language: locked_share(committed_release(lesson, language), nb.cells) for language in editions()}
    return max(shares, key=shares.get)  # of equal shares, max keeps the first: English


def recognise(nb, lesson):
    """The edition ``nb`` (a submission for ``lesson``) is graded in."""
    return declared(nb) or best_match(nb, lesson)


def shared(editions):
    """The edition all of ``editions`` are, or English when they mix (or there are none): the language the
    grader speaks to a class, and to a student grading their own work."""
    found = set(editions)
    return found.pop() if len(found) == 1 else ENGLISH


def of_file(path, lesson):
    """The edition of the submission in ``path``; English for a file that is no notebook (it is
    rejected, and the rejection cannot know whom it speaks to)."""
    nb, _ = read_notebook(path)
    return ENGLISH if nb is None else recognise(nb, lesson)
