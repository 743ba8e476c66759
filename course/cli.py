"""The instructor's command line."""
import argparse

from course import grading, release


def cmd_build(args):
    for path in release.build(lessons=args.lesson):
        print(f"wrote {path}")
    return 0


def cmd_check(args):
    problems = release.check()
    for problem in problems:
        print(f"✘ {problem}")
    if not problems:
        print("✔ release is up to date and shows no solution or hidden test")
    return 1 if problems else 0


def cmd_grade(args):
    summary = grading.grade(args.submissions, args.out, workers=args.workers, dask_scheduler=args.dask_scheduler,
                            force=args.force, lesson=args.lesson, seed=args.seed,
                            limits=grading.Limits(args.time_limit, args.cell_timeout, args.memory_limit))
    out = summary["out"]
    print(f"gradebook: {out / 'gradebook.csv'}")
    print(f"feedback:  {out / 'feedback'}")
    print(f"summary:   {out / 'summary.md'}")
    return 0


def cmd_demo(args):
    from course import demo

    summary = demo.run(args.out, lessons=args.lesson, workers=args.workers)
    out = summary["out"]
    print()
    for result in sorted(summary["results"], key=lambda r: (r["lesson"], r["student"])):
        print(f"  {result['lesson']:<22} {result['student']:<10} {result['score']:g}/{result['max_score']:g}")
    print(f"\ngradebook: {out / 'gradebook.csv'}\nfeedback:  {out / 'feedback'}/<student>/<lesson>.html"
          f"\nsummary:   {out / 'summary.md'}")
    return 0


def parser():
    p = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="regenerate notebooks/ from solutions/")
    build.add_argument("--lesson", action="append", help="only this lesson id (repeatable)")
    build.set_defaults(run=cmd_build)
    sub.add_parser("check", help="fail if notebooks/ is stale or leaks a solution or hidden test").set_defaults(
        run=cmd_check)
    demo = sub.add_parser("demo", help="build the release, grade a demo class, show where the results are")
    demo.add_argument("--out", default="demo", help="folder for the demo class and its grades (default: demo/)")
    demo.add_argument("--lesson", action="append", help="only this lesson id (repeatable)")
    demo.add_argument("--workers", type=int, help="parallel submissions (default: one per core)")
    demo.set_defaults(run=cmd_demo)
    grade = sub.add_parser("grade", help="autograde a folder of submissions (or one notebook)")
    grade.add_argument("submissions", help="submitted/<student>/<lesson>/*.ipynb, <student>_<lesson>.ipynb files, "
                                           "or one notebook")
    grade.add_argument("--out", default="grading", help="output folder (default: grading/)")
    grade.add_argument("--workers", type=int, help="parallel submissions (default: one per core)")
    grade.add_argument("--dask-scheduler", metavar="ADDRESS", help="run on this Dask cluster instead")
    grade.add_argument("--lesson", help="the lesson of a single notebook whose name does not say it")
    grade.add_argument("--force", action="store_true", help="grade again what is already graded")
    grade.add_argument("--seed", type=int, help="seed of the hidden inputs (default: new for each run)")
    limits = grading.Limits()
    grade.add_argument("--time-limit", type=int, default=limits.notebook_seconds, metavar="SECONDS",
                       help=f"wall-clock limit of one notebook (default {limits.notebook_seconds})")
    grade.add_argument("--cell-timeout", type=int, default=limits.cell_seconds, metavar="SECONDS",
                       help=f"limit of one cell (default {limits.cell_seconds})")
    grade.add_argument("--memory-limit", type=float, default=limits.memory_gb, metavar="GB",
                       help=f"memory a student kernel may use (default {limits.memory_gb:g})")
    grade.set_defaults(run=cmd_grade)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    return args.run(args)
