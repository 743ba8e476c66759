"""The sandbox a student kernel runs in, tried piece by piece with small commands."""
import os
import subprocess
import sys
import textwrap
import time

import pytest

from course import kernel_limits, sandbox
from course.lessons import REPO_ROOT
from tests import attacks

needs_bubblewrap = pytest.mark.skipif(not sandbox.bubblewrap_works(), reason="bubblewrap is not usable here")
needs_root = pytest.mark.skipif(not kernel_limits.running_as_root(), reason="kernel users need root")


def test_python_folders_follow_python_wherever_it_lives(tmp_path, monkeypatch):
    venv_site = tmp_path / "venv" / "lib" / "site-packages"
    venv_site.mkdir(parents=True)
    hidden = tmp_path / "grading"
    (hidden / "lib").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(venv_site), str(REPO_ROOT), str(hidden / "lib"), ""])
    folders = sandbox.python_folders(hidden=[hidden])
    assert str(venv_site) in folders
    assert sys.base_prefix in folders
    assert str(REPO_ROOT) not in folders  # it holds solutions/: the course packages are added one by one
    assert str(hidden / "lib") not in folders



def test_of_the_repository_python_folders_keep_only_a_venv_made_in_it(tmp_path, monkeypatch):
    repository = tmp_path / "course"
    venv_site = repository / ".venv" / "lib" / "site-packages"
    venv_site.mkdir(parents=True)
    (repository / "bench").mkdir()
    monkeypatch.setattr(sandbox, "REPO_ROOT", repository)
    monkeypatch.setattr(sys, "prefix", str(repository / ".venv"))
    monkeypatch.setattr(sys, "exec_prefix", str(repository / ".venv"))
    monkeypatch.setattr(sys, "path", [str(venv_site), str(repository / "bench"), str(repository)])
    inside = [folder for folder in sandbox.python_folders() if folder.startswith(str(repository))]
    assert inside == [str(repository / ".venv"), str(venv_site)]


def _in_sandbox(tmp_path, code, writable=(), user=None, timeout=60):
    """Run Python ``code`` in a sandbox built as a kernel's is; return its output."""
    readable = [*sandbox.python_folders(), *sandbox.kernel_side_folders()]
    command = ["prlimit", f"--nproc={sandbox.MAX_PROCESSES}", "--"] if user else []
    command += sandbox.bubblewrap_args(readable, [str(w) for w in writable], sandbox.dataset_mounts())
    if user:
        command += user.switch_command()
    env = ["env", "-i", *(f"{k}={v}" for k, v in sandbox.kernel_environment("/tmp").items())]
    done = subprocess.run([*command, *env, sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@needs_bubblewrap
def test_the_kernel_sees_only_what_it_needs(tmp_path):
    seen = _in_sandbox(tmp_path, f"""
        import os, utils, grader_tests
        print(sorted(os.listdir({str(REPO_ROOT)!r})))
        print(os.path.exists({str(tmp_path)!r}), os.path.exists("/root/.bash_history"))
        print(os.getcwd(), os.listdir("."))
    """).splitlines()
    assert seen[0] == str(attacks.repository_as_kernels_see_it())
    assert seen[1] == "False False"
    assert seen[2] == f"{sandbox.KERNEL_WORKDIR} []"


@needs_bubblewrap
def test_the_kernel_finds_fashion_mnist(tmp_path):
    out = _in_sandbox(tmp_path, "from utils.data import load_fashion_mnist\n"
                                "(x, y), _ = load_fashion_mnist()\nprint(x.shape)", timeout=120)
    assert "(60000, 28, 28)" in out


@needs_bubblewrap
def test_the_kernel_writes_only_its_own_folders(tmp_path):
    writable = tmp_path / "evidence"
    writable.mkdir()
    seen = _in_sandbox(tmp_path, f"""
        import os
        def can_write(path):
            try:
                open(path, "w").write("x")
                return True
            except OSError:
                return False
        print(can_write({str(writable / 'ok')!r}), can_write("/usr/forged"), can_write({str(REPO_ROOT / 'utils' / 'x')!r}))
    """, writable=[writable])
    assert seen.split() == ["True", "False", "False"]


@needs_bubblewrap
def test_tmp_is_small_and_the_network_is_gone(tmp_path):
    seen = _in_sandbox(tmp_path, """
        import socket
        written = 0
        try:
            with open("/tmp/filler", "wb") as f:
                for _ in range(2048):
                    f.write(b"0" * 2**20)
                    written += 1
        except OSError:
            pass
        print(written)
        try:
            socket.create_connection(("127.0.0.1", 22), timeout=2)
            print("network")
        except OSError:
            print("no network")
    """)
    megabytes, network = seen.splitlines()
    assert int(megabytes) <= sandbox.SCRATCH_BYTES // 2**20
    assert network == "no network"


@needs_bubblewrap
@needs_root
def test_a_kernel_user_has_no_capabilities_no_way_out_and_few_processes(tmp_path):
    user = kernel_limits.KernelUser()
    try:
        seen = _in_sandbox(tmp_path, """
            import os, subprocess, time
            status = open("/proc/self/status").read()
            print(os.getuid(), status.split("CapEff:")[1].split()[0], status.split("CapBnd:")[1].split()[0])
            print(subprocess.run(["mount", "-t", "tmpfs", "none", "/usr"], capture_output=True).returncode)
            print(subprocess.run(["unshare", "-Urm", "sh", "-c", "umount -l /usr"], capture_output=True).returncode)
            children = 0
            try:
                for _ in range(3000):
                    if os.fork() == 0:
                        time.sleep(30)
                        os._exit(0)
                    children += 1
            except OSError:
                pass
            print(children)
        """, user=user)
    finally:
        user.release()
    uid, effective, bounding, mount, umount, children = seen.split()
    assert int(uid) == user.uid
    assert int(effective, 16) == 0 and int(bounding, 16) == 0
    assert mount != "0" and umount != "0"
    assert int(children) < sandbox.MAX_PROCESSES


@needs_root
def test_kernel_users_are_never_shared_and_their_processes_die_with_them():
    first, second = kernel_limits.KernelUser(), kernel_limits.KernelUser()
    try:
        assert first.uid != second.uid
        left = subprocess.Popen([*first.switch_command(), "sleep", "60"], start_new_session=True)
        time.sleep(0.3)
    finally:
        second.release()
        first.release()
    assert left.wait(timeout=10) == -9


def test_a_control_group_caps_the_memory_of_the_whole_tree():
    group = kernel_limits.KernelGroup(memory_bytes=200 * 2**20, max_processes=64)
    if not group.active:
        pytest.skip("no cgroups to make here")
    try:
        hog = "x = [bytearray(2**20) for _ in range(400)]"
        # two processes of 150 MiB each: each alone is under the limit, together they are not
        tree = f"import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', {hog!r}]); exec({hog!r}); p.wait()"
        done = subprocess.run([*group.join_command(), sys.executable, "-c", tree], capture_output=True)
        assert done.returncode != 0
    finally:
        group.remove()
    assert all(not folder.exists() for folder in group.folders)


def _spin(processes, seconds):
    """A program that keeps ``processes`` processes (each in a session of its own) busy for
    ``seconds``, then prints the CPU time they used."""
    return textwrap.dedent(f"""
        import os, resource, time
        for _ in range({processes}):
            if os.fork() == 0:
                os.setsid()
                end = time.time() + {seconds}
                while time.time() < end:
                    pass
                os._exit(0)
        for _ in range({processes}):
            os.wait()
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime)
    """)


def test_a_forking_kernel_gets_no_more_cpu_than_a_classmates():
    groups = [kernel_limits.KernelGroup(memory_bytes=200 * 2**20, max_processes=64) for _ in range(2)]
    if not all(group.active for group in groups):
        pytest.skip("no cgroups to make here")
    try:
        # one process per core in the classmate's kernel, four per core in the hog's:
        # without groups the classmate would get a fifth of the CPU, with equal weights a half
        cores = os.cpu_count()
        runs = [subprocess.Popen([*group.join_command(), sys.executable, "-c", _spin(n, 3)],
                                 stdout=subprocess.PIPE, text=True)
                for group, n in zip(groups, (cores, 4 * cores))]
        classmate, hog = (float(run.communicate(timeout=60)[0]) for run in runs)
    finally:
        for group in groups:
            group.remove()
    assert classmate > 0.6 * hog, (classmate, hog)


def test_the_kernel_environment_leaves_out_the_seed_and_secrets(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING_SEED", "123")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hush")
    monkeypatch.setenv("COURSE_EVIDENCE_DIR", "/tmp/evidence")
    env = sandbox.kernel_environment("/tmp")
    assert "COURSE_GRADING_SEED" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["COURSE_EVIDENCE_DIR"] == "/tmp/evidence"
    assert env["PATH"].split(os.pathsep)[0] == os.path.dirname(sys.executable)


@needs_root
def test_without_the_sandbox_a_kernel_user_cannot_harm_the_grader_or_classmates(tmp_path):
    """What ``--no-sandbox`` still protects: a kernel user deletes, kills and lingers in vain."""
    results = tmp_path / "results"
    results.mkdir()
    (results / "classmate.json").write_text("10/10")
    grader = subprocess.Popen(["sleep", "60"])  # stands for a classmate's grader, run by root
    user = kernel_limits.KernelUser()
    attack = (f"rm -rf {tmp_path}/* ; kill -9 -1 ; echo forged > {results}/cheater.json ; "
              f"(sleep 3; echo forged > {results}/classmate.json) & sleep 1")
    try:
        subprocess.run([*user.switch_command(), "sh", "-c", attack], capture_output=True, timeout=30,
                       start_new_session=True)
    finally:
        user.release()  # as at the end of a notebook: every process of the kernel user dies
    time.sleep(4)
    try:
        assert grader.poll() is None
        assert sorted(p.name for p in results.iterdir()) == ["classmate.json"]
        assert (results / "classmate.json").read_text() == "10/10"
    finally:
        grader.kill()


@needs_bubblewrap
def test_the_judges_and_their_trusted_answers_are_out_of_the_kernels_reach(tmp_path):
    seen = _in_sandbox(tmp_path, """
        import importlib.util
        from grader_tests import lesson00, lesson05
        print(importlib.util.find_spec("course") is None, hasattr(lesson00, "trusted_binary"),
              hasattr(lesson05, "contrastive"))
    """, timeout=120)
    assert seen.split() == ["True", "False", "False"]
