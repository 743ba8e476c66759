"""A small class as the learning platforms download it: Canvas and Moodle names, nbgrader folders, accents.

Every file holds the same notebook (given by the caller). Who is who:

* Ada Lovelace (Canvas user 1001) uploaded twice: the second upload, ``-1``
  with a higher attachment id, is the one to grade;
* João Silva (Canvas user 1002) handed in late: Canvas flagged the file;
* Maria Clara Souza is a Moodle folder (participant 12345);
* Zoë Núñez is a Moodle folder with the notebook in a folder of her own, the
  name written decomposed (NFD) as macOS writes it;
* ``maria clara`` and ``joão_silva`` are also the roster ids, as the issue
  found them; Bob handed in through the nbgrader exchange twice.
"""
import os
import unicodedata
from pathlib import Path

LESSON = "01_lambda_layers"
ROSTER = f"""student id,name,email,lms id,canvas id
ada,Ada Lovelace,ada@uni.example,ada.lovelace,1001
joão_silva,João Silva,joao@uni.example,joao.silva,1002
maria clara,Maria Clara Souza,maria@uni.example,maria.souza,
zoë,Zoë Núñez,zoe@uni.example,zoe.nunez,
bob,Bob Reis,bob@uni.example,bob.reis,
hal,Hal Dias,hal@uni.example,hal.dias,
"""
CANVAS_OLD = f"lovelaceada_1001_55501_{LESSON}.ipynb"
CANVAS_NEW = f"lovelaceada_1001_55502_{LESSON}-1.ipynb"
CANVAS_LATE = f"silvajoao_LATE_1002_55510_{LESSON}.ipynb"
MOODLE_FOLDER = "Maria Clara Souza_12345_assignsubmission_file_"
NESTED_FOLDER = unicodedata.normalize("NFD", "Zoë Núñez_12346_assignsubmission_file_")
EXCHANGE_OLD = f"bob+{LESSON}+2026-12-01 09:00:00.000000 UTC+a1b2"
EXCHANGE_NEW = f"bob+{LESSON}+2026-12-02 09:30:00.000000 UTC+c3d4"
MOODLE_TIME = 1_764_500_000  # 2025-11-30 10:53:20 UTC, the time Moodle's zip gives Maria's file


def write(folder, text):
    """Write the class into ``folder``, each notebook ``text``; return ``(folder, roster text)``."""
    folder = Path(folder)
    files = [folder / CANVAS_OLD, folder / CANVAS_NEW, folder / CANVAS_LATE,
             folder / MOODLE_FOLDER / f"{LESSON}.ipynb",
             folder / NESTED_FOLDER / "work" / f"{LESSON}.ipynb",
             folder / EXCHANGE_OLD / f"{LESSON}.ipynb", folder / EXCHANGE_NEW / f"{LESSON}.ipynb"]
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    os.utime(folder / MOODLE_FOLDER / f"{LESSON}.ipynb", (MOODLE_TIME, MOODLE_TIME))
    return folder, ROSTER
