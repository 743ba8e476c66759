"""A small graded class as result files, written directly (no notebook is graded).

Lesson 01: ada, bob, cyd, dan and eve are graded; fay's file was rejected and
gus's grading failed; zed is graded but not on the roster; hal is on the
roster and handed in nothing. Lesson 03: ada and bob only.

Exercise ``square`` is full marks for everyone (too easy, discrimination
undefined); ``classifier`` is lost by nearly everyone (too hard).
"""
import json
from pathlib import Path

from course import gradebook

LESSON, OTHER = "01_lambda_layers", "03_add_loss"
MAX = {"square": 2, "rescale": 2, "rectifier": 3, "classifier": 3}
SCORES = {  # student: points per exercise of lesson 01, in MAX's order
    "ada": (2, 2, 3, 3),
    "bob": (2, 2, 3, 0),
    "cyd": (2, 0, 3, 0),
    "dan": (2, 2, 0, 0),
    "eve": (2, 0, 0, 0),
    "zed": (2, 0, 3, 0),
}
WRONG_SCALE = "rescale returned the wrong values: expected values between 0 and 1, got up to 255"
NOT_LAMBDA = "make_rectifier_layer did not return a Lambda layer"
ROSTER = """Student ID,Name,Email,LMS ID
ada,Ada Lovelace,ada@uni.example,ada.l
bob,Bob Souza,bob@uni.example,
cyd,Cyd Lima,cyd@uni.example,cyd.l
dan,Dan Costa,dan@uni.example,dan.c
eve,Eve Rocha,eve@uni.example,eve.r
fay,Fay Dias,fay@uni.example,fay.d
gus,Gus Melo,gus@uni.example,gus.m
hal,Hal Reis,hal@uni.example,hal.r
"""


def _message(exercise, score):
    if score == MAX[exercise]:
        return ""
    return {"rescale": WRONG_SCALE, "rectifier": NOT_LAMBDA}.get(exercise, f"{exercise} failed: NameError")


def _result(student, lesson, scores, status="graded", message="", seconds=12.5):
    cells = [{"id": f"test_{e}", "exercise": e, "score": float(s), "max": m, "message": message or _message(e, s)}
             for (e, m), s in zip(MAX.items(), scores)]
    return {"student": student, "lesson": lesson, "status": status, "message": message, "cells": cells,
            "score": float(sum(scores)), "max_score": float(sum(MAX.values())), "seconds": seconds,
            "source_name": f"{student}_{lesson}.ipynb"}


def results():
    found = [_result(s, LESSON, scores, seconds=10.0 + i) for i, (s, scores) in enumerate(SCORES.items())]
    found.append(_result("fay", LESSON, (0, 0, 0, 0), "rejected",
                         "the file is not a Jupyter notebook; download it with File > Download .ipynb"))
    found.append(_result("gus", LESSON, (0, 0, 0, 0), "error", "the grader stopped after 900 s", seconds=900.0))
    found += [_result("ada", OTHER, (2, 2, 3, 3)), _result("bob", OTHER, (2, 1, 0, 0))]
    return found


def write(folder):
    """Write the class's result files and gradebook into ``folder``; return ``(folder, roster path)``."""
    folder = Path(folder)
    for r in results():
        path = folder / "results" / r["lesson"] / f"{r['student']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(r))
    loaded = gradebook.load_results(folder / "results")
    assert len(loaded) == len(results()), "a fixture result is not a sound result"
    gradebook.write_gradebook(loaded, folder / "gradebook.csv")
    gradebook.write_summary(loaded, folder / "summary.md")
    roster = folder.parent / "roster.csv"
    roster.write_text(ROSTER)
    return folder, roster
