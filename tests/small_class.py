"""A three-student class for tests of how a run is carried out (stopped, restarted, distributed).

Its grades are known without grading it: the two blanks get 0 in every
cell and the reference gets full marks in every cell, so a run is judged
against them rather than against another run.
"""
from tests import classroom

LESSON = "01_lambda_layers"
BLANKS = ("ann", "ben")
REFERENCE = "dee"


def write(folder):
    """Write the class in nbgrader's layout under ``folder``; return ``folder``."""
    for student in BLANKS:
        classroom.write(classroom.blank(LESSON), folder, student, LESSON)
    classroom.write(classroom.reference(LESSON), folder, REFERENCE, LESSON)
    return folder


def assert_graded_as_known(results):
    """Every student graded, blanks at 0 and the reference at full marks, cell by cell."""
    by_student = {r["student"]: r for r in results}
    assert sorted(by_student) == sorted((*BLANKS, REFERENCE))
    for student, result in by_student.items():
        assert result["status"] == "graded", (student, result.get("message"))
        assert result["lesson"] == LESSON and result["cells"]
        full = student == REFERENCE
        assert [c["score"] for c in result["cells"]] == [c["max"] if full else 0.0 for c in result["cells"]], student
    assert by_student[REFERENCE]["max_score"] > 0
