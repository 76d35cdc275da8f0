"""Synthetic LKE answers generated inside PostgreSQL (``INSERT … SELECT``), for the national-scale benchmarks.

Building 11 million answer rows in Python and sending them with ``COPY`` takes most of a 100,000-unit data set's
generation time; the server makes the same rows from the assessment and question tables in a fraction of it.
Values follow the distribution of the Python generators (``zi bench generate``, ``benchmarks/bench_rescoring.py``):
a random option value per choice question, a random value in millionths for computed items and indices.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from zi.assessments.models import Answer, Assessment
from zi.lke.models import LkeQuestion

# one random option value per answer type (the option values of the shipped template), else 0..1 in millionths
VALUE_SQL = """CASE q.answer_type
    WHEN 'ya_tidak' THEN floor(random() * 2)
    WHEN 'abc' THEN floor(random() * 3) / 2
    WHEN 'abcd' THEN (ARRAY[0, 0.33, 0.67, 1]::float8[])[1 + floor(random() * 4)::int]
    WHEN 'abcde' THEN floor(random() * 5) / 4
    ELSE floor(random() * 1000001) / 1000000 END"""


def insert_answers(*, period_id: int, template_id: int, first_id: int, last_id: int, lane: str = "self") -> int:
    """Insert one answer per question of the template for every assessment of the period with an id in
    ``first_id..last_id``, in assessment/question order (the physical order a real save pattern roughly has).
    Call it inside a transaction; ``SELECT setseed(…)`` before it makes the values repeatable. Returns the row
    count. As a superuser the per-row deferred foreign-key triggers are skipped for the transaction (the rows
    are consistent by construction; the benchmark database is a scratch one)."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("set-based answer generation needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row: Any = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"INSERT INTO {Answer._meta.db_table} "  # noqa: S608 - table names from the models
            "(assessment_id, lane, question_id, choice, value, note, source, updated_at) "
            f"SELECT a.id, %s, q.id, '', {VALUE_SQL}, '', '', now() "
            f"FROM {Assessment._meta.db_table} a CROSS JOIN {LkeQuestion._meta.db_table} q "
            'WHERE a.period_id = %s AND a.id BETWEEN %s AND %s AND q.template_id = %s ORDER BY a.id, q."order"',
            [lane, period_id, first_id, last_id, template_id],
        )
        return cursor.rowcount
