"""Putting a fresh build into ``notebooks/`` without losing anyone's work.

``notebooks/`` is the release, and also where the README tells a student
to write their answers. :func:`install` replaces a notebook there only when
it is one the course wrote: the one committed (git's ``HEAD``), or the one
the last build of this checkout wrote (its fingerprint is kept in
:data:`RECORD`, which git ignores). Any other notebook was edited since,
by a student most likely, and is replaced only when forced. Notebooks are
compared by what an edit changes: their cells' types, sources and outputs.
"""
import hashlib
import json
import subprocess
from pathlib import Path

import nbformat

RECORD = ".last-build.json"


class EditedNotebooks(RuntimeError):
    """Notebooks that someone edited since the course wrote them; nothing was replaced."""

    def __init__(self, paths):
        self.paths = paths
        super().__init__(", ".join(map(str, paths)))


def fingerprint(text):
    """A digest of the cells of a notebook's text (types, sources, outputs); None when it is no notebook."""
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception:
        return None
    cells = [[cell.cell_type, cell.source, cell.get("outputs", [])] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()


def _committed(path):
    """The text of ``path`` in git's ``HEAD``, or None (not committed, no git)."""
    try:
        shown = subprocess.run(["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"],
                               capture_output=True, text=True)
    except OSError:
        return None
    return shown.stdout if shown.returncode == 0 else None


def _record(release_dir):
    try:
        return json.loads((Path(release_dir) / RECORD).read_text())
    except (OSError, ValueError):
        return {}


def edited(path, release_dir):
    """True when ``path``, a notebook of ``release_dir``, is neither the committed one nor the last one built."""
    if not path.exists():
        return False
    mine = fingerprint(path.read_text(errors="replace"))
    committed = _committed(path)
    wrote = {_record(release_dir).get(str(path.relative_to(release_dir))),
             fingerprint(committed) if committed is not None else None}
    return mine is None or mine not in wrote


def install(built, release_dir, force=False):
    """Copy the notebooks of the build in folder ``built`` into ``release_dir``, where they go in the same
    layout; return the paths that changed. Raises :class:`EditedNotebooks`, and changes nothing, when one
    of them would replace an edited notebook, unless ``force``."""
    built, release_dir = Path(built), Path(release_dir)
    fresh = {path.relative_to(built): path.read_text() for path in sorted(built.rglob("*.ipynb"))}
    changed = [name for name, text in fresh.items()
               if not (release_dir / name).exists() or (release_dir / name).read_text() != text]
    refused = [release_dir / name for name in changed if edited(release_dir / name, release_dir)]
    if refused and not force:
        raise EditedNotebooks(refused)
    for name in changed:
        (release_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (release_dir / name).write_text(fresh[name])
    record = _record(release_dir)
    if any(record.get(str(name)) != fingerprint(text) for name, text in fresh.items()):
        record.update({str(name): fingerprint(text) for name, text in fresh.items()})
        (release_dir / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return [release_dir / name for name in changed]
