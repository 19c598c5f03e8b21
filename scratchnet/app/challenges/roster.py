"""A class at a glance: students × lessons (met, tries, last try), as the page's table and as CSV,
and a QR code of a link. No Streamlit, no database: the page hands in what the store read.

The projector's table leaves hidden students out; the teacher's keeps them, struck through.
"""

from __future__ import annotations

import csv
import io

import segno

from scratchnet.app.board.classes import Progress, Student
from scratchnet.app.challenges.board import csv_cell, shown_time, struck


def cell(record: Progress | None) -> str:
    """One student's record of one lesson in a few characters: ``✓ 3 tries · 10:42`` or ``2 tries · 10:40``."""
    if record is None:
        return ""
    tries = f"{record.tries} {'try' if record.tries == 1 else 'tries'}"
    return f"{'✓ ' if record.met_at is not None else ''}{tries} · {shown_time(record.last_try)}"


def visible(students: list[Student], *, teacher: bool) -> list[Student]:
    return [student for student in students if teacher or not student.hidden]


def table(
    students: list[Student], records: list[Progress], lessons: list[tuple[str, str]], *, teacher: bool
) -> dict[str, list]:
    """One row per student, one column per lesson (``lessons``: key and title, in order), and how
    many goals each met. The teacher's table has "Hidden" beside the name (a hidden name struck through)."""
    shown = visible(students, teacher=teacher)
    by_pair = {(record.student_id, record.lesson_key): record for record in records}
    columns: dict[str, list] = {"Student": [struck(s.name) if s.hidden else s.name for s in shown]}
    if teacher:
        columns["Hidden"] = [s.hidden for s in shown]
    columns["Goals met"] = [
        sum(1 for key, _ in lessons if (r := by_pair.get((s.id, key))) is not None and r.met_at is not None)
        for s in shown
    ]
    for number, (key, title) in enumerate(lessons, start=1):
        columns[f"{number}. {title}"] = [cell(by_pair.get((s.id, key))) for s in shown]
    return columns


def class_csv(students: list[Student], records: list[Progress], lessons: list[tuple[str, str]]) -> str:
    """Every student and lesson as CSV: per lesson whether met, tries and the last try's time."""
    by_pair = {(record.student_id, record.lesson_key): record for record in records}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["student", "hidden", *(f"{key} {part}" for key, _ in lessons for part in ("met", "tries", "last"))]
    )
    for student in students:
        cells: list[object] = [csv_cell(student.name), student.hidden]
        for key, _ in lessons:
            record = by_pair.get((student.id, key))
            if record is None:
                cells += [False, 0, ""]
            else:
                cells += [record.met_at is not None, record.tries, shown_time(record.last_try)]
        writer.writerow(cells)
    return out.getvalue()


def qr_png(link: str) -> bytes:
    """A QR code of ``link`` as PNG bytes (made here, offline), big enough to scan off a projector."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()
