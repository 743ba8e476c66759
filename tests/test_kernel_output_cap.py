"""A cell that prints without end keeps a bounded output and one line, in the student's language,
saying where it was cut."""
import pytest

from course import kernel_execute
from utils.i18n import set_language


def _stream(text):
    return {"msg_type": "stream", "parent_header": {}, "header": {"msg_type": "stream"},
            "content": {"name": "stdout", "text": text}}


def _flood(executor, cell_index=0, lines=2_000, width=500):
    executor._output_chars[cell_index] = 0
    outs = []
    for _ in range(lines):
        executor.output(outs, _stream("x" * width + "\n"), None, cell_index)
    return outs


@pytest.fixture
def executor():
    executor = kernel_execute.SandboxedExecute()
    executor.reset_execution_trackers()  # what nbclient does before a notebook runs,
    executor.clear_before_next_output = False  # and before each cell
    return executor


@pytest.mark.parametrize("language, limit", [("en", "200,000"), ("pt_BR", "200.000")])
def test_a_flood_is_cut_once_near_the_cap_with_a_line_saying_so(executor, language, limit):
    set_language(language)
    try:
        outs = _flood(executor)
    finally:
        set_language(None)
    kept = "".join(out["text"] for out in outs[:-1])
    assert kernel_execute.MAX_OUTPUT_CHARS * 0.8 < len(kept) <= kernel_execute.MAX_OUTPUT_CHARS  # the cap counts JSON
    assert sum("characters]" in out["text"] or "caracteres]" in out["text"] for out in outs) == 1
    assert limit in outs[-1]["text"] and "x" * 10 not in outs[-1]["text"]


def test_a_short_output_is_kept_whole(executor):
    outs = _flood(executor, lines=10)
    assert "".join(out["text"] for out in outs) == ("x" * 500 + "\n") * 10
