"""With ``--no-sandbox`` (no bubblewrap), the attacks still fail: each kernel runs as a user of
its own, so it cannot change another's files or grades, kill their graders, or linger."""
import pytest

from course import kernel_limits
from course.submissions import safe_student_id
from tests import attacks, bad_class, corpus

# A whole class graded again (about two minutes on two cores): slow. The default suite shows what a
# kernel user cannot do without the sandbox in tests/test_sandbox.py.
pytestmark = [pytest.mark.skipif(not kernel_limits.running_as_root(), reason="kernel users need root"),
              pytest.mark.slow]
# The guard is the same with or without bubblewrap: tests/test_grading_robustness.py grades its attack.
CASES = [*(case for case in attacks.CASES if case is not attacks.replaces_collect), corpus.writes_results]
STUDENTS = [safe_student_id(n) for n in bad_class.GOOD] + [c.__name__ for c in CASES]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return bad_class.grade(tmp_path_factory.mktemp("no-sandbox"), bad_class.GOOD, CASES, sandboxed=False)


@pytest.mark.parametrize("student", STUDENTS)
def test_each_submission_still_gets_the_grade_it_deserves(graded, student):
    bad_class.assert_graded_as_deserved(graded, student)


@pytest.mark.parametrize("student", STUDENTS)
def test_no_feedback_page_shows_a_hidden_test(graded, student):
    bad_class.assert_feedback_shows_no_hidden_test(graded, student)


def test_no_file_or_grade_of_another_changes_and_nothing_lingers(graded):
    _, _, summary, before, after, out = graded
    assert after == before
    assert not summary["errors"]
    assert "cheater" not in (out / "gradebook.csv").read_text()
    assert not bad_class.lingering_processes()
