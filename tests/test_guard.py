"""Issue 21: the grading kernel's guard signs only what the real probes saw (tests/guard_attacks.py)."""
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from course import evidence
from grader_tests import guard
from grader_tests.exercise import DEFAULT_SEED

ATTACKS = Path(__file__).with_name("guard_attacks.py")
CHANGED = "changed by your notebook"


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guard")
    key = secrets.token_bytes(guard.MAC_BYTES)
    (folder / "key").write_bytes(key)
    (folder / "evidence").mkdir()
    env = {**os.environ, "COURSE_EVIDENCE_DIR": str(folder / "evidence"), "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("COURSE_GRADING_SEED", None)
    run = subprocess.run([sys.executable, str(ATTACKS), str(folder / "key"), str(folder / "evidence")],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1]), key, folder / "evidence"


def test_an_honest_check_is_signed_and_the_grader_can_read_it(attacked):
    results, key, folder = attacked
    assert results["honest"] == results["honest at the end"] == results["wrong answer"] == "signed"
    blob = (folder / f"square_model{guard.SIGNED_SUFFIX}").read_bytes()
    assert evidence.unsign(blob, key, "square_model", DEFAULT_SEED) is not None


def test_evidence_not_signed_with_the_notebooks_key_is_refused(attacked):
    _, key, folder = attacked
    blob = (folder / f"square_model{guard.SIGNED_SUFFIX}").read_bytes()
    seed = DEFAULT_SEED
    for forged in (secrets.token_bytes(guard.MAC_BYTES) + blob[guard.MAC_BYTES:], blob[:-1] + bytes([blob[-1] ^ 1]), b""):
        with pytest.raises(evidence.BadEvidence):
            evidence.unsign(forged, key, "square_model", seed)
    with pytest.raises(evidence.BadEvidence):  # another exercise's, or another seed's
        evidence.unsign(blob, key, "rescale_layer", seed)
    with pytest.raises(evidence.BadEvidence):
        evidence.unsign(blob, secrets.token_bytes(guard.MAC_BYTES), "square_model", seed)


@pytest.mark.parametrize("attack, changed", [
    ("replaced collect", "grader_tests.exercise.Exercise.collect"),
    ("replaced probe", "grader_tests.lesson01.SquareModel.probe"),
    ("replaced to_evidence", "grader_tests.exercise.to_evidence"),
    ("replaced np.savez", "numpy.savez"),
    ("replaced a Keras method", "Model.count_params"),
    ("swapped a module in sys.modules", "sys.modules['grader_tests.lesson01']"),
    ("shadowed a builtin in the grader's module", "grader_tests.lesson01.isinstance"),
    ("changed an exercise's data", "grader_tests.lesson01.square_model"),
    ("patched and restored while probed", "grader_tests.lesson01._lambda_count"),
    ("patched and restored by code posing as the grader's", "grader_tests.lesson01._lambda_count"),
    ("a lookup that raises in the guard's watch", "sys.settrace"),
])
def test_a_change_to_what_the_probes_use_is_named_and_nothing_is_signed(attacked, attack, changed):
    said = attacked[0][attack]
    assert CHANGED in said and changed in said


def test_other_ways_to_fool_the_check_get_nothing_signed(attacked):
    results = attacked[0]
    assert results["replaced a builtin"] != "signed"
    assert "thread" in results["a thread running"] and results["after the thread"] == "signed"


def test_no_answer_sees_the_frames_of_the_code_that_probes_it(attacked):
    results = attacked[0]
    assert results["looked for the guard's frames"] == results["an alarm while probed"] == "signed"
    assert results["names that collide with the guard's"] == results["finalizers inside the guard"] == "signed"
    assert not any(results["frames seen"].values()), results["frames seen"]
    assert len(results["frames seen"]) >= 9


@pytest.mark.parametrize("way", ["gc.get_objects", "gc.get_referrers", "ctypes.string_at", "sys.settrace",
                                 "sys.setprofile", "sys.addaudithook", "replacing __code__", "exec",
                                 "a kernel function's defaults", "a kernel function's keyword defaults",
                                 "a function in Keras's namespace",
                                 "another base for an exercise", "another class for a kernel module"])
def test_the_ways_around_the_guard_are_refused(attacked, way):
    assert attacked[0][way] == "refused"


def test_the_key_file_is_gone_and_signal_handlers_still_work(attacked):
    results = attacked[0]
    assert results["the key file"] is False and results["sys.gettrace"] == "hidden"
    assert results["signal.getsignal"] == "0"  # SIG_DFL, as set back by the notebook
