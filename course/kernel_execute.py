"""nbgrader's Execute step, made to grade every cell whatever one cell does.

nbgrader gives up on the whole notebook, and every point in it, when the
kernel dies (``os._exit``, a segfault, the memory limit), when a cell
outlives its time limit and ignores the interrupt, or when a cell prints so
much that its output is still arriving seconds after it finished. A cell
past its time limit is interrupted and given :data:`INTERRUPT_GRACE_SECONDS`
to stop (nbclient would wait a whole time limit again). Here the
cell at fault gets an error output that says what happened; a new kernel
runs the earlier code cells again, quietly, and grading goes on with the next
cell, so the rest of the work still counts.

It also keeps the hidden tests out of the student's reach: test cells run
without entering the kernel's history (``In``, ``_ih``, ``Out``). The
evidence a hidden test saves is *sealed* as soon as its cell ends: checked
to be signed by the kernel's guard (:mod:`grader_tests.guard`) with this
notebook's key, for this exercise and seed, and moved out of the kernel's
evidence folder into one the kernel cannot see, so no later cell can rewrite
it; the folder is emptied before each test, so no earlier cell can leave
evidence for it. Output is bounded: a cell keeps at
most :data:`MAX_OUTPUT_CHARS` (metadata counted), a notebook
:data:`MAX_NOTEBOOK_CHARS`, and an update of an earlier display may not
grow it past that.
"""
import asyncio
import copy
import json
import shutil
from pathlib import Path
from queue import Empty

from jupyter_core.utils import ensure_async
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode, default

from course import evidence
from course.hidden_seed import exercise_seed, is_hidden_test
from course.sandbox import SandboxedKernelManager
from grader_tests.guard import SIGNED_SUFFIX
from utils.i18n import N_, _, integer

MAX_OUTPUT_CHARS = 200_000
MAX_NOTEBOOK_CHARS = 5_000_000
INTERRUPT_GRACE_SECONDS = 5
RESTART_ATTEMPTS = 3
RESTART_PAUSE_SECONDS = 3
KERNEL_DIED = N_("the Python kernel died while running this cell (os._exit, a crash, or too much memory); "
                 "the cells after it were graded in a new kernel")
CELL_STUCK = N_("this cell ran past the time limit and did not stop when interrupted (an endless loop, or "
                "output still pouring out?); the cells after it were graded in a new kernel")
OUTPUT_CUT = N_("[… output cut here: a cell may show at most {limit} characters]")


def seal(evidence_dir, sealed_dir, key, guard_key, seed):
    """Move exercise ``key``'s evidence from ``evidence_dir`` to ``sealed_dir`` as ``key.npz`` when the
    guard signed it with ``guard_key`` for inputs of ``seed`` (the submission's); a forgery becomes
    ``key.forged``, which holds why; nothing at all stays nothing (the test did not run to the end).

    The kernel may still be at work (a thread it left running): it may swap the file for a link, a
    folder or a pipe at any moment, or keep it open to write it later. So the file is opened once,
    without following links, and only a regular file's bytes, read from that descriptor, go into a
    new file that the kernel never had.
    """
    try:
        blob = evidence.read_regular_file(Path(evidence_dir) / f"{key}{SIGNED_SUFFIX}")
    except evidence.BadEvidence:
        return
    try:
        (Path(sealed_dir) / f"{key}.npz").write_bytes(evidence.unsign(blob, guard_key, key, exercise_seed(seed, key)))
    except evidence.BadEvidence as error:
        (Path(sealed_dir) / f"{key}.forged").write_text(str(error))


def _size(output):
    return len(json.dumps(output, default=str))


class SandboxedExecute(Execute):
    """See the module docstring; kernels come from :class:`course.sandbox.SandboxedKernelManager`."""

    evidence_dir = Unicode(help="where the kernel's hidden tests save their evidence").tag(config=True)
    sealed_dir = Unicode(help="where sealed evidence goes, out of the kernel's sight").tag(config=True)
    seed = Integer(0, help="the submission's seed (:func:`course.hidden_seed.seed_for`)").tag(config=True)

    @default("shutdown_kernel")
    def _kill_when_done(self):
        # Once the last cell has run, nothing the kernel does can count: kill it rather than
        # wait for it to shut down (TensorFlow's teardown alone took 1.5 s of every notebook).
        return "immediate"

    def __init__(self, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(**kwargs)
        self._failed_cells = set()
        self._output_chars = {}

    def _notebook_chars(self):
        return sum(self._output_chars.values())

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self._output_chars[cell_index] = 0
        test = is_hidden_test(cell)
        if test:
            self._clear_evidence()
        try:
            return await self._execute(cell, cell_index, execution_count, store_history and not test)
        finally:
            if test:
                self._seal(cell.metadata["nbgrader"]["grade_id"].removeprefix("test_"))

    def _clear_evidence(self):
        if self.evidence_dir:
            for path in Path(self.evidence_dir).iterdir():
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()

    def _seal(self, key):
        """Seal exercise ``key``'s evidence (:func:`seal`) where no later cell can change it, then empty the folder."""
        if self.evidence_dir and self.sealed_dir:
            seal(self.evidence_dir, self.sealed_dir, key, self.km.guard_key, self.seed)
            self._clear_evidence()

    async def _execute(self, cell, cell_index, execution_count, store_history):
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history=store_history)
        except (DeadKernelError, CellTimeoutError) as error:
            self._failed_cells.add(cell_index)
            if isinstance(error, DeadKernelError):
                name, message = "KernelDied", _(KERNEL_DIED)
            else:
                name, message = "CellTimeoutError", _(CELL_STUCK)
            cell.outputs = [*cell.outputs[-3:], new_output("error", ename=name, evalue=message,
                                                          traceback=[f"{name}: {message}"])]
            await self._start_again(cell_index)
            return cell

    execute_cell = run_sync(async_execute_cell)  # nbconvert calls the synchronous one

    async def _async_handle_timeout(self, timeout, cell=None):
        """Interrupt a cell past its time limit; its reply (a ``KeyboardInterrupt``) when it stops
        within :data:`INTERRUPT_GRACE_SECONDS`, else :class:`CellTimeoutError` (restart, go on)."""
        await ensure_async(self.km.interrupt_kernel())
        try:
            return await ensure_async(self.kc.shell_channel.get_msg(timeout=INTERRUPT_GRACE_SECONDS))
        except Empty:
            raise CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", timeout, cell) from None

    def output(self, outs, msg, display_id, cell_index):
        """Keep a cell's output until it reaches a cap, then one line saying it was cut."""
        used = self._output_chars.get(cell_index, 0)
        if used > MAX_OUTPUT_CHARS or self._notebook_chars() > MAX_NOTEBOOK_CHARS:
            return None
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None:
            used += _size(out)
            self._output_chars[cell_index] = used
            if used > MAX_OUTPUT_CHARS or self._notebook_chars() > MAX_NOTEBOOK_CHARS:
                cut = _(OUTPUT_CUT).format(limit=integer(MAX_OUTPUT_CHARS))
                outs.append(new_output("stream", name="stdout", text=f"\n{cut}\n"))
                self._output_chars[cell_index] = MAX_OUTPUT_CHARS + 1
        return out

    def _update_display_id(self, display_id, msg):
        """Apply an update of earlier displays only while the notebook stays under its cap."""
        targets = sum(len(indices) for indices in self._display_id_map.get(display_id, {}).values())
        growth = targets * len(json.dumps(msg.get("content", {}), default=str))
        if self._notebook_chars() + growth > MAX_NOTEBOOK_CHARS:
            return
        for cell_index in self._display_id_map.get(display_id, {}):
            self._output_chars[cell_index] = self._output_chars.get(cell_index, 0) + growth // max(targets, 1)
        super()._update_display_id(display_id, msg)

    async def _start_again(self, cell_index):
        """A new kernel that has run the code cells before ``cell_index`` again.

        A kernel killed for its memory may leave the group's memory charged for a
        moment, so a replay that dies too is tried again after a pause."""
        for attempt in range(1, RESTART_ATTEMPTS + 1):
            self.kc.stop_channels()
            await self.km.restart_kernel(now=True)
            await self.async_start_new_kernel_client()
            try:
                for index, earlier in enumerate(self.nb.cells[:cell_index]):
                    if earlier.cell_type == "code" and index not in self._failed_cells:
                        await super().async_execute_cell(copy.deepcopy(earlier), index, store_history=False)
                return
            except DeadKernelError:
                if attempt == RESTART_ATTEMPTS:
                    raise
                await asyncio.sleep(RESTART_PAUSE_SECONDS)
