"""The instructor's command line for the course: ``python -m course --help``."""
