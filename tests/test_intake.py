"""What grading takes in: the platforms' download layouts, rosters as Excel writes them, deadlines, and the
command line's refusals. Discovery and matching are tested directly; tests/test_intake_grading.py grades."""
import csv
import datetime
import json
import os
import unicodedata
import zipfile

import pytest

from course import cli, deadlines, export, gradebook, grading, report, roster, submissions
from course.submissions import safe_student_id
from tests import class_results, lms_downloads
from tests.lms_downloads import LESSON


def _found(folder, **kwargs):
    found, problems = submissions.find(folder, **kwargs)
    return {s.submitted_as: s for s in found}, problems


def test_canvas_names_give_the_student_the_late_flag_and_the_latest_upload(tmp_path):
    folder, _ = lms_downloads.write(tmp_path, "{}")
    found, problems = _found(folder)
    ada, joao = found["lovelaceada"], found["silvajoao"]
    assert (ada.lesson, ada.lms_id, ada.late, ada.path.name) == (LESSON, "1001", False, lms_downloads.CANVAS_NEW)
    assert (joao.lms_id, joao.late) == ("1002", True)
    assert any(lms_downloads.CANVAS_OLD in p and "earlier submission" in p for p in problems)


def test_moodle_folders_flat_or_nested_give_the_full_name_and_the_upload_time(tmp_path):
    folder, _ = lms_downloads.write(tmp_path, "{}")
    (folder / f"Hal Dias_12347_assignsubmission_file_{LESSON}.ipynb").write_text("{}")
    (folder / "Hal Dias_12347_assignsubmission_onlinetext_").mkdir()
    found, problems = _found(folder)
    maria, zoe, hal = found["Maria Clara Souza"], found["Zoë Núñez"], found["Hal Dias"]  # NFD read as NFC
    assert (maria.lesson, maria.lms_id, maria.submitted_at) == (LESSON, "12345", "2025-11-30T10:53:20+00:00")
    assert zoe.path.parent.name == "work" and hal.lms_id == "12347"
    assert any("onlinetext" in p and "no notebook" in p for p in problems)


def test_the_nbgrader_exchange_and_timestamp_give_the_time_and_the_latest(tmp_path):
    folder, _ = lms_downloads.write(tmp_path / "inbound", "{}")
    bob = _found(folder)[0]["bob"]
    assert bob.path.parent.name == lms_downloads.EXCHANGE_NEW and bob.submitted_at == "2026-12-02T09:30:00+00:00"
    submitted = tmp_path / "submitted" / unicodedata.normalize("NFD", "joão_silva") / LESSON
    submitted.mkdir(parents=True)
    (submitted / "anything.ipynb").write_text("{}")
    (submitted / "timestamp.txt").write_text("2026-12-03 08:00:00.5 UTC")
    joao = _found(tmp_path / "submitted")[0]["joão_silva"]
    assert joao.submitted_at == "2026-12-03T08:00:00+00:00" and joao.student == safe_student_id("joão_silva")


def test_a_platform_file_whose_name_holds_no_lesson_needs_lesson(tmp_path):
    (tmp_path / "lovelaceada_1001_55501_homework.ipynb").write_text("{}")
    found, problems = _found(tmp_path)
    assert not found and "holds no lesson id" in problems[0]
    assert _found(tmp_path, single_lesson=LESSON)[0]["lovelaceada"].lesson == LESSON


def test_a_zip_is_unpacked_without_writing_outside_its_folder(tmp_path):
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo(f"{lms_downloads.MOODLE_FOLDER}/{LESSON}.ipynb", (2026, 12, 1, 10, 0, 0)), "{}")
        zf.writestr(f"../{LESSON}.ipynb", "{}")
        link = zipfile.ZipInfo(f"link_{LESSON}.ipynb")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("notes.pdf", "not a notebook")
    into, problems = submissions.unpack(archive, tmp_path / "out")
    files = sorted(str(p.relative_to(into)) for p in into.rglob("*") if p.is_file())
    assert files == [f"{lms_downloads.MOODLE_FOLDER}/{LESSON}.ipynb"] and len(problems) == 2
    assert not (tmp_path / f"{LESSON}.ipynb").exists()
    unpacked = into / files[0]
    assert datetime.datetime.fromtimestamp(unpacked.stat().st_mtime) == datetime.datetime(2026, 12, 1, 10)
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(submissions.ArchiveError, match="not a zip file"):
        submissions.unpack(tmp_path / "broken.zip", tmp_path / "out2")


def test_the_roster_student_is_found_by_platform_id_name_or_file_name():
    matcher = roster.Matcher({p.student: p for p in [
        roster.Person("joão_silva", "João Silva", "j@x", canvas_id="1002"),
        roster.Person("maria clara", "Maria Clara Souza", "m@x"),
        roster.Person("ana", "Ana Lima", "a@x"), roster.Person("ana.l", "Ana Luz", "al@x")]})
    student = {name: (p.student if p else None) for name, p in (
        (name, matcher.find([name])) for name in (
            "joão_silva", unicodedata.normalize("NFD", "joão_silva"), "JOÃO SILVA", "joao_silva", "silvajoao",
            "maria clara", "maria_clara", "Maria  Clara", safe_student_id("maria clara"), "Maria Clara Souza",
            "souzamariaclara", "ana", "lima"))}
    assert student == {
        "joão_silva": "joão_silva", unicodedata.normalize("NFD", "joão_silva"): "joão_silva",
        "JOÃO SILVA": "joão_silva", "joao_silva": "joão_silva", "silvajoao": "joão_silva",
        "maria clara": "maria clara", "maria_clara": "maria clara", "Maria  Clara": "maria clara",
        safe_student_id("maria clara"): "maria clara", "Maria Clara Souza": "maria clara",
        "souzamariaclara": "maria clara", "ana": "ana", "lima": None}
    assert matcher.find(["someone"], lms_id="1002").student == "joão_silva"


def _write_roster(path, text, encoding, delimiter=","):
    path.write_bytes(text.replace(",", delimiter).encode(encoding))
    return path


@pytest.mark.parametrize("encoding, delimiter", [
    ("cp1252", ";"), ("latin-1", ";"), ("utf-8-sig", ";"), ("utf-8", ","), ("utf-16", "\t"), ("cp1252", ",")])
def test_rosters_as_excel_writes_them_are_read(tmp_path, encoding, delimiter):
    text = "Student ID,Name,E-mail,LMS ID\r\njoão_silva,João Silva,joao@uni.example,\r\nzoë,Zoë Núñez,z@x,zn\r\n"
    text = text.replace("E-mail", "Email")
    people = roster.read(_write_roster(tmp_path / "roster.csv", text, encoding, delimiter))
    assert list(people) == ["joão_silva", "zoë"] and people["zoë"].name == "Zoë Núñez"
    assert people["zoë"].lms_id == "zn"


@pytest.mark.parametrize("data, says", [
    (b"PK\x03\x04 workbook", "Excel workbook"),
    ("student id,name,email".encode("utf-16-le"), "without a byte-order mark"),
    (b"id;nome;e-mail\nada;Ada;a@x\n", "no column student id, name (it reads 'id;nome;e-mail')"),
    (b"", "empty"),
])
def test_a_roster_that_cannot_be_read_is_named_in_one_line(tmp_path, capsys, data, says):
    folder, _ = class_results.write(tmp_path / "grading")
    (tmp_path / "bad.csv").write_bytes(data)
    assert cli.main(["report", str(folder), "--roster", str(tmp_path / "bad.csv")]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1 and "Traceback" not in err


def _accented_class(folder):
    """class_results, with ada and bob handing in as ``joão_silva`` and ``maria clara`` (graded under
    their safe ids) and a roster that lists them by those names."""
    folder.mkdir(parents=True)
    renamed = {"ada": "joão_silva", "bob": "maria clara"}
    for result in class_results.results():
        name = renamed.get(result["student"], result["student"])
        result.update(student=safe_student_id(name), submitted_as=name)
        path = folder / "results" / result["lesson"] / f"{result['student']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result))
    people = class_results.ROSTER.replace("\nada,", "\njoão_silva,").replace("\nbob,", "\nmaria clara,")
    (folder.parent / "roster.csv").write_text(people, encoding="cp1252")
    return folder, folder.parent / "roster.csv"


def test_accented_and_spaced_ids_are_neither_missing_nor_zero(tmp_path):
    folder, people = _accented_class(tmp_path / "grading")
    page = report.write_report(folder, people).read_text()
    assert 'data-missing="hal"' in page
    for name in ("joão_silva", "maria clara"):
        assert f'data-missing="{name}"' not in page and f'data-stranger="{safe_student_id(name)}"' not in page
    with pytest.raises(export.ExportError, match="zed"):  # class_results's stranger, on no roster
        export.export(folder, "moodle", tmp_path / "moodle.csv")
    export.export(folder, "moodle", tmp_path / "moodle.csv", skip_unmatched=True)
    with open(tmp_path / "moodle.csv", newline="", encoding="utf-8") as f:
        rows = {r["Email address"]: r for r in csv.DictReader(f)}
    assert float(rows["ada@uni.example"][LESSON]) == 10 and float(rows["bob@uni.example"][LESSON]) == 7


def test_a_late_penalty_is_its_own_column_and_the_exports_use_the_final(tmp_path):
    folder, people = _accented_class(tmp_path / "grading")
    ada = folder / "results" / LESSON / f"{safe_student_id('joão_silva')}.json"
    ada.write_text(json.dumps({**json.loads(ada.read_text()), "submitted_at": "2026-12-03T12:00:00+00:00"}))
    cyd = folder / "results" / LESSON / "cyd.json"
    cyd.write_text(json.dumps({**json.loads(cyd.read_text()), "late": True}))
    rules = tmp_path / "deadlines.csv"
    rules.write_text(f"Lesson;Due;Penalty per day;Cap\n{LESSON};2026-12-01 23:59 -03:00;10;15\n")
    results = deadlines.with_penalties(gradebook.load_results(folder / "results"), deadlines.for_grading(folder, rules))
    gradebook.write_gradebook(results, folder / "gradebook.csv")
    with open(folder / "gradebook.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    joao, cyd, dan = rows[safe_student_id("joão_silva")], rows["cyd"], rows["dan"]
    assert [joao[f"{LESSON}:{c}"] for c in ("total", "submitted_at", "days_late", "penalty", "final")] == [
        "10", "2026-12-03T12:00:00+00:00", "2", "1.5", "8.5"]  # 2 days: 20 %, capped at 15 % of 10
    assert [cyd[f"{LESSON}:{c}"] for c in ("days_late", "penalty", "final")] == ["1", "1", "4"]  # Canvas's flag
    assert [dan[f"{LESSON}:{c}"] for c in ("days_late", "penalty", "final")] == ["0", "0", "4"]
    assert (folder / "deadlines.csv").is_file()
    export.export(folder, "moodle", tmp_path / "moodle.csv", roster_path=people, skip_unmatched=True)
    with open(tmp_path / "moodle.csv", newline="", encoding="utf-8") as f:
        moodle = {r["Email address"]: r for r in csv.DictReader(f)}
    assert float(moodle["ada@uni.example"][LESSON]) == 8.5 and float(moodle["cyd@uni.example"][LESSON]) == 4


def test_a_toml_deadline_file_and_its_mistakes(tmp_path):
    rules = tmp_path / "deadlines.toml"
    rules.write_text(f'["{LESSON}"]\ndue = "2026-12-01T23:59:00Z"\npenalty_per_day = 5\n')
    deadline = deadlines.read(rules)[LESSON]
    assert (deadline.percent_per_day, deadline.cap_percent) == (5, 100)
    assert deadline.days_late("2026-12-02T00:00:00+00:00", False) == 1
    assert deadline.days_late("2026-12-01T23:00:00+00:00", True) == 0  # a time says more than a flag
    rules.write_text('["99_nothing"]\ndue = "2026-12-01"\n')
    with pytest.raises(deadlines.DeadlineError, match="not a lesson of this course"):
        deadlines.read(rules)
    rules.write_text(f'["{LESSON}"]\ndue = "Friday"\n')
    with pytest.raises(deadlines.DeadlineError, match="not a date and time"):
        deadlines.read(rules)


def _one_line_exit(capsys, argv, status=2):
    assert cli.main(argv) == status
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "Traceback" not in err, err
    return err


def test_grade_similarity_and_report_without_anything_to_work_on_exit_2(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    out = ["--out", str(tmp_path / "grading"), "--no-sandbox"]
    assert "no such file or folder" in _one_line_exit(capsys, ["grade", str(tmp_path / "nowhere"), *out])
    assert "no submission found" in _one_line_exit(capsys, ["grade", str(tmp_path / "empty"), *out])
    assert not (tmp_path / "grading" / "gradebook.csv").exists()
    assert "no submission found" in _one_line_exit(capsys, ["similarity", str(tmp_path / "empty"),
                                                            "--out", str(tmp_path / "sim")])
    assert "no graded results" in _one_line_exit(capsys, ["report", str(tmp_path / "nowhere")])
    (tmp_path / "bad.zip").write_text("not a zip")
    assert "not a zip file" in _one_line_exit(capsys, ["grade", str(tmp_path / "bad.zip"), *out])


def test_an_unknown_lesson_is_refused(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["grade", "submitted", "--lesson", "01_lambda"])
    assert stop.value.code == 2 and "invalid choice: '01_lambda'" in capsys.readouterr().err


def test_ctrl_c_says_what_is_kept_without_a_traceback(tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(grading, "grade", interrupted)
    assert "stopped (Ctrl-C)" in _one_line_exit(capsys, ["grade", str(tmp_path)], 130)


class _Cluster:
    """A Dask client's ``run``, answered as workers that import the course from ``folder`` would."""

    def __init__(self, folder, sees_out=True, importable=True):
        self.folder, self.sees_out, self.importable = folder, sees_out, importable

    def run(self, function, *args):
        if not self.importable:
            raise ModuleNotFoundError("No module named 'course'")
        return {"tcp://10.0.0.2:4000": self.sees_out if function is os.path.isdir else self.folder}


def test_dask_workers_that_cannot_see_the_course_stop_the_run(tmp_path):
    grading.check_workers(_Cluster(str(grading.REPO_ROOT)), tmp_path)
    for cluster, says in ((_Cluster("/elsewhere"), "imports the course from /elsewhere"),
                          (_Cluster(str(grading.REPO_ROOT), sees_out=False), f"does not see {tmp_path}"),
                          (_Cluster("", importable=False), "cannot import the course")):
        with pytest.raises(grading.ClusterUnfit, match="PYTHONPATH") as refused:
            grading.check_workers(cluster, tmp_path)
        assert says in str(refused.value)


def test_grade_refuses_unfit_dask_workers_in_one_line(tmp_path, capsys, monkeypatch):
    def unfit(*args, **kwargs):
        raise grading.ClusterUnfit("tcp://w does not see /out; start each worker with ...")

    monkeypatch.setattr(grading, "grade", unfit)
    assert "does not see /out" in _one_line_exit(capsys, ["grade", str(tmp_path), "--dask-scheduler", "tcp://s:8786"])



def test_the_dask_dashboard_can_be_served():
    from distributed.dashboard.components import scheduler  # imports bokeh; without it, no dashboard

    assert scheduler.SystemMonitor
