"""Command line: ``python -m course {build,check,grade,demo}``."""
from course.cli import main

raise SystemExit(main())
