"""Who a student kernel runs as, and the limits on its whole process tree.

When grading as root, each kernel runs as a user id of its own, taken from a
range no person uses (:class:`KernelUser`). That makes it an ordinary
unprivileged process for the kernel of the machine: it has no capabilities,
it cannot write files the grading user owns, ``RLIMIT_NPROC`` counts its
processes alone, and every process it leaves behind can be found by that id
and killed when the notebook ends. Ids are handed out with a lock file per
id, so graders of several runs, threads or Dask workers on one machine never
share one.

Where the machine lets the grader create control groups (cgroups v1 or v2),
the kernel's whole tree also goes into a group of its own
(:class:`KernelGroup`), which caps its memory (the files it writes in its
in-memory ``/tmp`` count too) and its number of processes, gives it the same
CPU weight as every other kernel, and lets the grader kill all of it at once.
"""
import fcntl
import os
import signal
import time
import uuid
from pathlib import Path

FIRST_KERNEL_UID = 61_000
KERNEL_UIDS = 512
LOCK_DIR = Path("/run/course-kernel-users")
CGROUP_ROOT = Path("/sys/fs/cgroup")
# Every kernel's group gets the same weight: however many processes (and sessions) a
# tree makes, it gets no more CPU than one classmate's kernel when the cores are
# busy, and may use any core left idle (a hard quota would leave it unused).
CPU_WEIGHT = {"cpu.weight": 100}  # cgroups v2
CPU_SHARES = {"cpu.shares": 1024}  # cgroups v1


def running_as_root():
    return os.geteuid() == 0


class KernelUser:
    """An unused user id held for one kernel, released with :meth:`release`."""

    def __init__(self):
        LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        for uid in range(FIRST_KERNEL_UID, FIRST_KERNEL_UID + KERNEL_UIDS):
            handle = open(LOCK_DIR / str(uid), "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            self.uid, self._lock = uid, handle
            kill_processes_of(uid)  # anything a crashed earlier run left with this id
            return
        raise RuntimeError(f"all {KERNEL_UIDS} kernel user ids are in use")

    def give(self, path):
        """Make ``path`` (a folder the kernel may write) the kernel user's."""
        os.chown(path, self.uid, self.uid)

    def switch_command(self):
        """The command that becomes this user, with no capabilities and no way back."""
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]

    def kill_all(self):
        kill_processes_of(self.uid)

    def release(self):
        self.kill_all()
        self._lock.close()


def kill_processes_of(uid):
    """SIGKILL every process whose real user id is ``uid``, until none is left."""
    kill_until_gone(lambda: [pid for pid in _pids() if _real_uid(pid) == uid])


def kill_until_gone(find):
    """SIGKILL the processes ``find()`` returns, again and again (a dying tree may still fork)
    until it returns none, for at most about 2.5 s."""
    for _ in range(50):
        found = find()
        if not found:
            return
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def _pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _real_uid(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class KernelGroup:
    """A control group for one kernel's tree, or nothing where cgroups cannot be made here.

    ``folders`` are the group's folders, one per hierarchy (cgroups v1 has one
    per controller, v2 a single one).
    """

    def __init__(self, memory_bytes, max_processes):
        self.folders = []
        try:
            self._create(memory_bytes, max_processes)
        except OSError:
            self.remove()
            self.folders = []

    @property
    def active(self):
        return bool(self.folders)

    def _create(self, memory_bytes, max_processes):
        name = f"course-kernel-{uuid.uuid4().hex[:12]}"
        own = _own_cgroups()
        if "" in own and (CGROUP_ROOT / "cgroup.controllers").is_file():  # v2
            folder = CGROUP_ROOT / own[""].lstrip("/") / name
            folder.mkdir()
            self.folders.append(folder)
            limits = {"memory.max": memory_bytes, "pids.max": max_processes, **CPU_WEIGHT}
            for limit_file, value in limits.items():
                (folder / limit_file).write_text(str(value))
            return
        for controller, limits in (("memory", {"memory.limit_in_bytes": memory_bytes}),
                                   ("pids", {"pids.max": max_processes}),
                                   ("cpu", CPU_SHARES)):
            if controller not in own:
                raise OSError(f"no {controller} cgroup")
            folder = CGROUP_ROOT / controller / own[controller].lstrip("/") / name
            folder.mkdir()
            self.folders.append(folder)
            for limit_file, value in limits.items():
                (folder / limit_file).write_text(str(value))

    def join_command(self):
        """A shell prefix that moves itself into the group, then runs the rest of the command."""
        if not self.folders:
            return []
        joins = "; ".join(f"echo $$ > {folder / 'cgroup.procs'}" for folder in self.folders)
        return ["sh", "-c", f'{joins} && exec "$@"', "course-kernel"]

    def kill_all(self):
        kill_until_gone(lambda: {pid for folder in self.folders for pid in _read_pids(folder)})

    def remove(self):
        self.kill_all()
        for folder in self.folders:
            for _ in range(20):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # busy for a moment after its last process died
                    time.sleep(0.05)


def _read_pids(folder):
    try:
        return [int(line) for line in (folder / "cgroup.procs").read_text().split()]
    except OSError:
        return []


def _own_cgroups():
    """controller -> this process's group path ("" is the cgroups v2 entry)."""
    groups = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            groups[controller] = path
    return groups
