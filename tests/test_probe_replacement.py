"""Issue 21: a probe replaced from a notebook cell must not win points (an expected failure today)."""
import pytest

from tests import bad_class, probe_replacement


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return bad_class.grade(tmp_path_factory.mktemp("probe"), [], [probe_replacement.replaces_collect])


@pytest.mark.slow
@pytest.mark.xfail(strict=True, raises=AssertionError, reason="issue 21: the probes run in the student's kernel and can be replaced")
def test_a_replaced_collect_wins_no_point(graded):
    bad_class.assert_graded_as_deserved(graded, "replaces_collect")
