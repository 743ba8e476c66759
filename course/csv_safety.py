"""CSV files a spreadsheet opens safely: every file the course writes goes through :func:`writer`.

A spreadsheet takes a cell that starts with ``=``, ``+``, ``-`` or ``@`` (also after spaces) for a
formula, and one that starts with a tab or carriage return can turn into one; a student's file
name or a name in a roster can be ``=HYPERLINK(...)``. As OWASP advises (CSV injection), such a
cell gets a leading ``'``, which the spreadsheet shows as text. A cell that is a plain number
(``-1``, ``+2.5``, ``1e-3``) is left as it is: scores stay numbers.
"""
import csv
import re

NUMBER = re.compile(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*")
FORMULA_START = ("=", "+", "-", "@")


def cell(value):
    """``value`` as the text of a cell no spreadsheet runs."""
    text = str(value)
    if NUMBER.fullmatch(text):
        return text
    if text[:1] in ("\t", "\r") or text.lstrip()[:1] in FORMULA_START:
        return "'" + text
    return text


class writer:
    """``csv.writer`` whose cells pass through :func:`cell`."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row):
        self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
