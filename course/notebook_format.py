"""One canonical form for committed notebooks, so diffs stay small and the
release can be compared with a fresh build byte for byte."""
import nbformat

# Metadata that editors add on their own and that nobody reviews.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "jupyter", "ExecuteTime", "trusted")


def read(path):
    return nbformat.read(str(path), as_version=4)


def clean(nb):
    """Drop outputs, execution counts and editor metadata, in place; return ``nb``."""
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    return nb


def dumps(nb):
    return nbformat.writes(nb) + "\n"


def write(nb, path):
    """Write ``nb`` in canonical form; return True when the file changed."""
    text = dumps(nb)
    old = path.read_text() if path.exists() else None
    if old != text:
        path.write_text(text)
    return old != text
