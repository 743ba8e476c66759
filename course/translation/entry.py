"""One translation entry of a cell (see :mod:`course.translation.segments`)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """A piece of a cell that a translator translates.

    ``kind`` says what it is (``heading``, ``paragraph``, ``list item``,
    ``table``, ``comment``, ``string``), for the translator and the checks;
    ``line_break`` is what a line break of the translation becomes in the
    cell (``"\\n"`` in a paragraph, ``"\\n    # "`` in an indented comment,
    ``" "`` where the text must stay on one line); ``quote`` is how a string
    literal opens (``f"``), empty for everything else.
    """

    text: str
    kind: str
    line_break: str = "\n"
    quote: str = ""

    def render(self, translation=None):
        """The cell text of this entry: ``translation`` when given, else the English."""
        text = translation.strip("\n") if translation else self.text
        return self.line_break.join(text.split("\n"))

    def words(self, limit=8):
        """The first words of the English, to name the entry in a message."""
        words = self.text.split()
        return " ".join(words[:limit]) + (" …" if len(words) > limit else "")
