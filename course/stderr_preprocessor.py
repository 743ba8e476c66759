"""Keep log noise from costing points.

nbgrader 0.9.6 gives 0 points to a test cell with *any* stderr output, and
TensorFlow, absl and Python warnings all write there, so a correct answer
could lose its points to a warning. The course's hidden tests fail by
raising, never by printing, so in graded test cells this preprocessor turns
stderr into stdout: the text stays in the feedback, the points depend only
on whether the checks raised.
"""
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution


class StderrToStdout(NbGraderPreprocessor):
    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            for output in cell.outputs:
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
        return cell, resources
