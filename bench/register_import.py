"""Benchmark: load a register file that adds N new reviews (the page's preview, then the write).

    python bench/register_import.py [--rows 500] [--postgres postgres://postgres@127.0.0.1:5432/]

A throwaway database (bench/common.py) with the demo board; the file is the demo register's export plus N
fictional rows for new reviews. Prints seconds and queries for the preview (compare) and the load, which the
page does inside one request, so the register import's row bound keeps both well under a few seconds.
"""

import argparse
import csv
import io
import time

from common import throwaway_database

NEW = {
    "Kind": "Child safeguarding practice review",
    "Status": "In progress",
    "Date commissioned": "02/11/2026",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500, help="new reviews in the file")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL")
    parser_args = parser.parse_args()
    with throwaway_database(parser_args.postgres) as label:
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from lscb.board import register
        from reviews.models import Board, Review

        call_command("seed_demo", stdout=io.StringIO())
        board = Board.objects.get(slug="nscp")
        reviews = register.export_queryset(Review.objects.on_boards([board.pk]))
        exported = b"".join(register.csv_response(reviews, board).streaming_content).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(exported)))
        for n in range(parser_args.rows):
            subject = f"Child Z{n}"
            rows.append(
                {**NEW, "Reference": f"BENCH 2026/{n}", "Title": f"{subject}: practice review", "Subject": subject}
            )
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), restval="")
        writer.writeheader()
        writer.writerows(rows)
        content = out.getvalue().encode()
        print(f"{label}: a register file adding {parser_args.rows} reviews ({len(content):,} bytes)")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            changes = register.compare(board.pk, None, content, "register.csv")
            seconds = time.perf_counter() - started
        print(f"  preview: {seconds:.2f} s, {len(queries)} queries")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            register.load_register(board.pk, None, content, "register.csv", expected_fingerprint=changes.fingerprint())
            seconds = time.perf_counter() - started
        print(f"  load:    {seconds:.2f} s, {len(queries)} queries")


if __name__ == "__main__":
    main()
