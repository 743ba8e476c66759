"""Every nbgrader setting of the course, in one place.

Used by ``nbgrader_config.py`` (so a plain ``nbgrader`` command run in the
repository behaves like the course's own) and by the grader, which points
the same settings at a private folder per submission.
"""
# Longest a single cell may run when grading: the slowest lesson's training in
# quick mode takes well under a minute on a 2-core CPU.
CELL_TIMEOUT_SECONDS = 300
COURSE_ID = "custom-keras"


def configure(c, root, db_url=None):
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = "solutions"
    c.CourseDirectory.release_directory = "notebooks"
    c.CourseDirectory.db_url = db_url or f"sqlite:///{root}/.nbgrader/gradebook.db"
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".evidence"]
    c.IncludeHeaderFooter.header = ""
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.enforce_metadata = True
    c.Execute.timeout = CELL_TIMEOUT_SECONDS
    c.Execute.interrupt_on_timeout = True
    # Output may still be arriving after a cell that printed a lot has finished.
    c.Execute.iopub_timeout = 15
    # stderr in a test cell must not cost points (TensorFlow logs there);
    # see course.stderr_preprocessor.
    c.Autograde.autograde_preprocessors = [
        "nbgrader.preprocessors.Execute",
        "course.stderr_preprocessor.StderrToStdout",
        "nbconvert.preprocessors.ClearMetadataPreprocessor",
        "nbgrader.preprocessors.LimitOutput",
        "nbgrader.preprocessors.SaveAutoGrades",
        "nbgrader.preprocessors.AssignLatePenalties",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]
    # The grader hands nbgrader a notebook rebuilt by course.recover_cells: the
    # release's cells, kernelspec and metadata, no outputs, each grade_id once.
    # What is left to do is to put the hidden tests (kept in the gradebook) into
    # the test cells.
    c.Autograde.sanitize_preprocessors = ["nbgrader.preprocessors.OverwriteCells"]
    c.Autograde.create_student = True
    # A student's markdown cells may hold HTML; the feedback page shows it inert.
    c.HTMLExporter.sanitize_html = True
