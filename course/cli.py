"""The instructor's command line."""
import argparse
import sys

from course import release


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


def parser():
    p = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="regenerate notebooks/ from solutions/")
    build.add_argument("--lesson", action="append", help="only this lesson id (repeatable)")
    build.set_defaults(run=cmd_build)
    sub.add_parser("check", help="fail if notebooks/ is stale or leaks a solution or hidden test").set_defaults(
        run=cmd_check)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    return args.run(args)
