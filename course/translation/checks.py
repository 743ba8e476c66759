"""What is wrong with a lesson's translation, entry by entry.

Three problems are named, each with the lesson, the cell and the first
English words of the entry: a translation that is **missing** or **fuzzy**
(its English changed since it was translated), which counts only in a
lesson declared complete, and a translation that **breaks a placeholder**
(:mod:`course.translation.placeholders`) or, for a string literal, no longer
makes valid Python, which counts in every lesson, since the build puts it
in.
"""
import ast

from course.translation import catalogues
from course.translation.placeholders import differences


def _literal_breaks(entry, translation):
    """Why the translated string literal is no longer Python, or ''."""
    literal = entry.quote + entry.render(translation) + entry.quote[len(entry.quote.rstrip("'\"")):]
    try:
        ast.parse(literal, mode="eval")
    except SyntaxError as error:
        return f"the string literal is no longer valid Python ({error.msg}); escape its quotes"
    return ""


def problems(lesson_id, language, catalog, complete, nb=None):
    """Problems with the lesson's catalogue ``catalog`` (None when there is none) against the English source."""
    where = f"i18n/{language}/{lesson_id}.po"
    by_id = {message.id: message for message in catalogues.messages(catalog)}
    found, seen = [], set()
    for location, entry in catalogues.source_entries(lesson_id, nb):
        if entry.text in seen:
            continue
        seen.add(entry.text)
        name = f"{where}: {location.split('/')[-1]} «{entry.words()}»"
        message = by_id.get(entry.text)
        if message is None or not message.string:
            if complete:
                found.append(f"{name}: missing translation")
            continue
        if message.fuzzy:
            if complete:
                found.append(f"{name}: fuzzy (its English changed; review the translation, then remove the flag)")
            continue
        found += [f"{name}: {difference}" for difference in differences(entry.text, message.string)]
        if entry.quote and _literal_breaks(entry, message.string):
            found.append(f"{name}: {_literal_breaks(entry, message.string)}")
    return found
