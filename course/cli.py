"""The instructor's command line.

Exit status: 0 when all went well; 1 when ``check`` finds a problem, when a
submission could not be graded because the grading failed (status
``error``), or when ``demo``'s reference solutions do not get full marks or
its blank notebooks get points; 2 when a command could not start (no sandbox,
the preflight kernel failed, no submission or grading folder where one was
given, a roster or deadline file that cannot be used, Dask workers that
cannot grade), before anything was written, when an export, override or
feedback release cannot be made (nothing is written then), or when ``build``
would replace a notebook of ``notebooks/`` that someone edited (it then
replaces none); 130 when stopped with Ctrl-C.
"""
import argparse
import sys
import tempfile
from pathlib import Path

from course import (deadlines, export, feedback_release, gradebook, grading, message_catalogue, overrides, preflight,
                    release, report, roster, similarity, student_work, submissions, translation)
from course.lessons import RELEASE_DIR, REPO_ROOT, lesson_ids
from course.translation import catalogues
from utils.i18n import _, number, speaking


def cmd_build(args):
    written = release.clean_sources(args.lesson)
    with tempfile.TemporaryDirectory() as built:
        release.build(built, lessons=args.lesson)
        for language in catalogues.languages():
            translation.build(language, built, lessons=args.lesson)
        try:
            written += student_work.install(built, RELEASE_DIR, force=args.force)
        except student_work.EditedNotebooks as edited:
            print(f"✘ not replaced, edited since the course wrote them (a student's work?): {edited}; "
                  "move them away, or replace them with `python -m course build --force`", file=sys.stderr)
            return 2
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_check(args):
    problems = release.check() + translation.check()
    for language in catalogues.languages():
        problems += [f"{message_catalogue.po_path(language).relative_to(REPO_ROOT)}: {problem}"
                     for problem in message_catalogue.catalogue_problems(language)]
    for problem in problems:
        print(f"✘ {problem}")
    if not problems:
        print("✔ releases are up to date and show no solution or hidden test; translations are in order")
    return 1 if problems else 0


def cmd_translations_refresh(args):
    for language in args.language or catalogues.languages():
        print(f"{language}:")
        for lesson_id in args.lesson or lesson_ids():
            print(f"  {catalogues.refresh(lesson_id, language)}")
        review = message_catalogue.refresh_catalogue(language)
        print(f"  messages: {len(review)} to translate or review" + "".join(f"\n    {entry}" for entry in review))
    return 0


def _start_failure(error, what="grading"):
    print(f"✘ {what} did not start: {error}", file=sys.stderr)
    return 2


def print_scores(results, stream=None):
    """Each result's score, exercise by exercise, with what to fix, in the current language."""
    stream = stream or sys.stdout
    for result in sorted(results, key=lambda r: (r["lesson"], r["student"])):
        print(f"\n{result['student']} / {result['lesson']}: {number(result['score'])}/{number(result['max_score'])}"
              f"  ({gradebook.status_word(result['status'])})", file=stream)
        if result["status"] != "graded":
            print(f"  {result['message']}", file=stream)
            continue
        for note in result.get("notes", []):
            print("  " + _("note: {note}").format(note=note), file=stream)
        for cell in result["cells"]:
            mark = "✔" if cell["score"] == cell["max"] else "✘"
            print(f"  {mark} {cell['exercise']:<24} {number(cell['score'])}/{number(cell['max'])}"
                  f"{'  ' + cell['message'] if cell['message'] else ''}", file=stream)


def cmd_grade(args):
    try:
        summary = grading.grade(args.submissions, args.out, workers=args.workers,
                                dask_scheduler=args.dask_scheduler, force=args.force, lesson=args.lesson,
                                seed=args.seed, no_sandbox=args.no_sandbox, roster_path=args.roster,
                                detect_copies=args.similarity, deadlines_path=args.deadlines,
                                limits=grading.Limits(args.time_limit, args.cell_timeout, args.memory_limit))
    except (grading.SandboxUnavailable, preflight.PreflightFailed, roster.RosterError, grading.NothingToGrade,
            grading.ClusterUnfit, deadlines.DeadlineError, submissions.ArchiveError) as error:
        return _start_failure(error)
    out = summary["out"]
    for override in summary["waiting"]:
        print(f"! override of {override.student} / {override.lesson} / {override.exercise} waits for a graded "
              "submission with that exercise")
    with speaking(summary["language"]):
        if len(summary["results"]) <= 3:  # one student grading their own work: show everything
            print_scores(summary["results"])
            for result in summary["results"]:
                print(_("feedback:  {path}").format(
                    path=out / "feedback" / result["student"] / (result["lesson"] + ".html")))
        print(_("gradebook: {path}").format(path=out / "gradebook.csv"))
        print(_("feedback:  {path}").format(path=out / "feedback"))
        print(_("summary:   {path}").format(path=out / "summary.md"))
        print(_("report:    {path}").format(path=out / report.FILE_NAME))
        if args.similarity:
            print(_("copies:    {path}").format(path=out / "similarity" / "index.html"))
    for result in summary["errors"]:
        print(f"✘ {result['student']} / {result['lesson']}: the grading failed (not the student's fault); "
              f"see {out / 'logs' / result['lesson'] / (result['student'] + '.log')}, then run the same "
              "command again to grade it", file=sys.stderr)
    return 1 if summary["errors"] else 0


def cmd_demo(args):
    from course import demo

    try:
        summary = demo.run(args.out, lessons=args.lesson, workers=args.workers)
    except (grading.SandboxUnavailable, preflight.PreflightFailed) as error:
        return _start_failure(error)
    out = summary["out"]
    print()
    width = max((len(r["student"]) for r in summary["results"]), default=0)
    for result in sorted(summary["results"], key=lambda r: (r["lesson"], r["student"])):
        print(f"  {result['lesson']:<22} {result['student']:<{width}} {result['score']:g}/{result['max_score']:g}"
              f"  {result['status']}")
    print(f"\ngradebook: {out / 'gradebook.csv'}\nfeedback:  {out / 'feedback'}/<student>/<lesson>.html"
          f"\nsummary:   {out / 'summary.md'}\nreport:    {out / report.FILE_NAME}"
          f"\ncopies:    {out / 'similarity' / 'index.html'}")
    wrong = demo.unexpected(summary["results"])
    for problem in wrong:
        print(f"✘ {problem}", file=sys.stderr)
    return 1 if wrong else 0


def cmd_report(args):
    if not gradebook.load_results(Path(args.grading_dir) / "results"):
        return _start_failure(f"{args.grading_dir}: no graded results there; give the --out folder of grade",
                              "the report")
    try:
        print(f"report: {report.write_report(args.grading_dir, args.roster)}")
    except roster.RosterError as error:
        print(f"✘ {error}", file=sys.stderr)
        return 2
    return 0


def cmd_similarity(args):
    if not submissions.find(args.submissions)[0]:
        return _start_failure(f"{args.submissions}: no submission found to compare; "
                              f"{submissions.naming_rule(lesson_ids())}", "the comparison")
    outcome = similarity.run(args.submissions, args.out, threshold=args.threshold)
    for problem in outcome["problems"] + outcome["notes"]:
        print(f"! {problem}")
    for pair in outcome["flagged"]:
        print(f"  {pair.lesson:<22} {pair.a} and {pair.b}: {100 * pair.score:.0f} % shared")
    print(f"{len(outcome['flagged'])} pair(s) flagged; side by side: {outcome['index']}")
    return 0


def cmd_export(args):
    try:
        outcome = export.export(args.grading_dir, args.format, args.out, roster_path=args.roster,
                                template=args.template, key=args.key, overwrite=args.overwrite,
                                missing_as_zero=args.missing_as_zero, skip_unmatched=args.skip_unmatched)
    except (export.ExportError, roster.RosterError, overrides.OverrideError) as error:
        print(f"✘ {error}", file=sys.stderr)
        return 2
    for note in outcome.notes:
        print(f"! {note}")
    for change in outcome.changes:
        print(f"  {change.student:<16} {change.column}: {change.old or '(empty)'} -> {change.new}"
              + ("" if change.written else "  KEPT the grade already there (--overwrite replaces it)"))
    print(f"wrote {args.out}")
    if outcome.changes_file:
        print(f"changes: {outcome.changes_file} ({sum(c.written for c in outcome.changes)} written, "
              f"{sum(not c.written for c in outcome.changes)} kept)")
    return 0


def cmd_override(args):
    try:
        if args.remove:
            overrides.remove(args.grading_dir, args.student, args.lesson, args.exercise)
        else:
            if args.points is None or not args.reason:
                print("✘ give the points and --reason (or --remove)", file=sys.stderr)
                return 2
            overrides.set_score(args.grading_dir, overrides.Override(args.student, args.lesson, args.exercise,
                                                                     args.points, args.reason))
        results, _ = gradebook.class_results(args.grading_dir)
        gradebook.write_gradebook(results, Path(args.grading_dir) / "gradebook.csv")
        overrides.write_notes(args.grading_dir, results)
        print(f"report: {report.write_report(args.grading_dir)}")
    except (overrides.OverrideError, roster.RosterError) as error:
        print(f"✘ {error}", file=sys.stderr)
        return 2
    print(f"gradebook: {Path(args.grading_dir) / 'gradebook.csv'}")
    return 0


def cmd_feedback_release(args):
    try:
        written, notes = feedback_release.release(args.grading_dir, args.out, key=args.key, as_zip=args.zip,
                                                  roster_path=args.roster)
    except (feedback_release.ReleaseError, roster.RosterError, overrides.OverrideError) as error:
        print(f"✘ {error}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"! {note}")
    print(f"{len(written)} student(s) in {args.out}")
    return 0


def parser():
    p = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="regenerate notebooks/ (and notebooks/<language>/) from solutions/")
    build.add_argument("--lesson", action="append", help="only this lesson id (repeatable)")
    build.add_argument("--force", action="store_true",
                       help="replace notebooks of notebooks/ even when someone edited them since they were built")
    build.set_defaults(run=cmd_build)
    sub.add_parser("check", help="fail if notebooks/ is stale or leaks a solution or hidden test, or if a "
                                 "translation is missing, fuzzy or breaks a placeholder").set_defaults(run=cmd_check)
    translations = sub.add_parser("translations", help="the translation catalogues in i18n/").add_subparsers(
        dest="action", required=True)
    refresh = translations.add_parser("refresh", help="update the catalogues (each lesson's and the messages') "
                                                      "from the English sources and say what is new, fuzzy or "
                                                      "obsolete")
    refresh.add_argument("--language", action="append", help="only this language, e.g. pt_BR (repeatable; "
                                                             "a new one starts its catalogues)")
    refresh.add_argument("--lesson", action="append", help="only this lesson id (repeatable)")
    refresh.set_defaults(run=cmd_translations_refresh)
    demo = sub.add_parser("demo", help="build the release, grade a demo class, show where the results are")
    demo.add_argument("--out", default="demo", help="folder for the demo class and its grades (default: demo/)")
    demo.add_argument("--lesson", action="append", help="only this lesson id (repeatable)")
    demo.add_argument("--workers", type=int, help="parallel submissions (default: one per core)")
    demo.set_defaults(run=cmd_demo)
    grade = sub.add_parser("grade", help="autograde a folder of submissions (or one notebook)")
    grade.add_argument("submissions", help="submitted/<student>/<lesson>/*.ipynb, <student>_<lesson>.ipynb files, "
                                           "Canvas's or Moodle's download (folder or zip file), or one notebook")
    grade.add_argument("--out", default="grading", help="output folder (default: grading/)")
    grade.add_argument("--workers", type=int, help="parallel submissions (default: one per core)")
    grade.add_argument("--dask-scheduler", metavar="ADDRESS", help="run on this Dask cluster instead")
    grade.add_argument("--lesson", choices=lesson_ids(),
                       help="the lesson of notebooks whose names do not say it (one notebook, or a platform's "
                            "download of one assignment)")
    grade.add_argument("--force", action="store_true",
                       help="grade again what is already graded (a changed file is graded again anyway)")
    grade.add_argument("--seed", type=int, help="seed of the hidden inputs (default: new for each run)")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="grade even where bubblewrap cannot build the sandbox (student code is then not isolated)")
    limits = grading.Limits()
    grade.add_argument("--time-limit", type=int, default=limits.notebook_seconds, metavar="SECONDS",
                       help=f"wall-clock limit of one notebook (default {limits.notebook_seconds})")
    grade.add_argument("--cell-timeout", type=int, default=limits.cell_seconds, metavar="SECONDS",
                       help=f"limit of one cell (default {limits.cell_seconds})")
    grade.add_argument("--memory-limit", type=float, default=limits.memory_gb, metavar="GB",
                       help=f"memory a student kernel may use (default {limits.memory_gb:g})")
    grade.add_argument("--roster", metavar="CSV", help="class list (student id, name, email, lms id): "
                                                       "the report lists who is missing")
    grade.add_argument("--deadlines", metavar="FILE",
                       help="due dates and late penalties per lesson (CSV or TOML: lesson, due, penalty per day "
                            "in %%, cap in %%); kept in the output folder")
    grade.add_argument("--similarity", action="store_true",
                       help="also compare the answer code of every two students (into <out>/similarity)")
    grade.set_defaults(run=cmd_grade)
    rep = sub.add_parser("report", help="write report.html of a grading folder again")
    rep.add_argument("grading_dir", help="the --out folder of grade")
    rep.add_argument("--roster", metavar="CSV", help="class list (default: the one grade was given)")
    rep.set_defaults(run=cmd_report)
    sim = sub.add_parser("similarity", help="find pairs of students with the same answer code")
    sim.add_argument("submissions", help="the folder grade reads")
    sim.add_argument("--out", default="similarity", help="output folder (default: similarity/)")
    sim.add_argument("--threshold", type=float, default=similarity.THRESHOLD,
                     help=f"share of shared answer code that flags a pair (default {similarity.THRESHOLD:g})")
    sim.set_defaults(run=cmd_similarity)
    exp = sub.add_parser("export", help="grades for Moodle, Canvas or nbgrader")
    exp.add_argument("grading_dir", help="the --out folder of grade")
    exp.add_argument("--format", required=True, choices=export.FORMATS)
    exp.add_argument("--out", required=True, metavar="FILE", help="file to write (nbgrader: a gradebook.db)")
    exp.add_argument("--roster", metavar="CSV", help="class list (default: the one grade was given)")
    exp.add_argument("--template", metavar="CSV", help="canvas: the gradebook CSV exported from Canvas")
    exp.add_argument("--key", choices=("email", "username"), default="email",
                     help="moodle: identify students by email (default) or username (the roster's lms id)")
    exp.add_argument("--overwrite", action="store_true",
                     help="canvas, nbgrader: replace grades already there (entered by hand) instead of keeping them")
    exp.add_argument("--missing-as-zero", action="store_true",
                     help="0 for a roster student who handed nothing in (default: left blank)")
    exp.add_argument("--skip-unmatched", action="store_true",
                     help="export although graded work matches no roster student or Canvas row (it is left out)")
    exp.set_defaults(run=cmd_export)
    ovr = sub.add_parser("override", help="set your own score for one exercise of one submission, kept "
                                          "through re-grades")
    ovr.add_argument("grading_dir", help="the --out folder of grade")
    ovr.add_argument("student")
    ovr.add_argument("lesson")
    ovr.add_argument("exercise", help="as in the gradebook's <lesson>:<exercise> columns")
    ovr.add_argument("points", type=float, nargs="?", help="the exercise's new points")
    ovr.add_argument("--reason", help="why, shown to the student in the feedback page")
    ovr.add_argument("--remove", action="store_true", help="take the override away (the autograder's score counts)")
    ovr.set_defaults(run=cmd_override)
    fb = sub.add_parser("feedback", help="the students' feedback pages").add_subparsers(dest="action", required=True)
    rel = fb.add_parser("release", help="one folder (or zip) per student with their feedback pages, to upload")
    rel.add_argument("grading_dir", help="the --out folder of grade")
    rel.add_argument("--out", required=True, metavar="FOLDER")
    rel.add_argument("--zip", action="store_true", help="a zip per student instead of a folder")
    rel.add_argument("--key", choices=feedback_release.KEYS, default="student",
                     help="name each folder by student id (default), or the roster's email or lms id")
    rel.add_argument("--roster", metavar="CSV", help="class list (default: the one grade was given)")
    rel.set_defaults(run=cmd_feedback_release)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("\n✘ stopped (Ctrl-C); grade keeps what it graded: the same command goes on from there", file=sys.stderr)
        return 130
