"""The heading that opens an exercise, in every edition of the course.

English: ``### Exercise 1 · a square layer (2 points)``; Brazilian Portuguese
(i18n/glossary.md fixes its shape): ``### Exercício 1 · uma camada que eleva
ao quadrado (2 pontos)``. The grader reads it to name an exercise in notes and
on the feedback page, in the language of the notebook it was read from.
"""
import re

EXERCISE_HEADING = re.compile(
    r"^#{2,4}\s*((?:Exercise|Exercício)\s[^\n(]*?)\s*\(\d+ (?:points?|pontos?)\)", re.M)


def exercise_title(source):
    """The title an exercise heading in markdown ``source`` gives ("Exercise 1 · a square layer"),
    or None when it has none."""
    found = EXERCISE_HEADING.search(source)
    return found.group(1) if found else None
