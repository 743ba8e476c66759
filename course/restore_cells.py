"""Put back the cells of the release that a submission lost.

nbgrader 0.9.6's ``OverwriteCells.add_missing_cells`` puts a deleted graded
cell back after the cell that preceded it in the source, but only when that
cell is itself a graded or answer cell; the course's notebooks put a locked
self-check cell there, and nbgrader then stops with a ``KeyError``. It also
never restores other locked cells (a deleted training cell would make every
later test fail). This step restores every missing cell of the release, in
its place: after the nearest earlier release cell still in the notebook. A
cell whose nbgrader metadata was removed counts as missing; the student's
copy stays as an ordinary cell.
"""
import copy

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def restore_missing(nb, release):
    """Insert into ``nb`` (in place) each cell of ``release`` whose grade_id it lacks; return their ids."""
    restored = []
    position = -1  # index in nb of the last release cell seen
    for cell in release.cells:
        grade_id = _grade_id(cell)
        if grade_id is None:
            continue
        found = next((i for i, c in enumerate(nb.cells) if _grade_id(c) == grade_id), None)
        if found is None:
            position += 1
            nb.cells.insert(position, copy.deepcopy(cell))
            restored.append(grade_id)
        else:
            position = found
    return restored


class RestoreDeletedCells(NbGraderPreprocessor):
    release_notebook = Unicode(help="the release notebook this submission was made from").tag(config=True)

    def preprocess(self, nb, resources):
        if self.release_notebook:
            restored = restore_missing(nb, nbformat.read(self.release_notebook, as_version=4))
            if restored:
                self.log.warning("restored deleted cells: %s", ", ".join(restored))
        return nb, resources
