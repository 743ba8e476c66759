"""Translated editions of the notebooks, kept in gettext catalogues (issue 16).

The English sources in ``solutions/`` stay the one place a lesson is edited.
:mod:`~course.translation.segments` cuts a notebook into entries (markdown
paragraphs, list items, headings and tables; comments and human-readable
string literals of code cells), :mod:`~course.translation.catalogues` keeps
them in ``i18n/<language>/<lesson>.po``, :mod:`~course.translation.checks`
says what is missing, fuzzy or broken, and :mod:`~course.translation.editions`
builds and checks ``notebooks/<language>/``.
"""
from course.translation.editions import build, check, generate, release_path, source_notebook

__all__ = ["build", "check", "generate", "release_path", "source_notebook"]
