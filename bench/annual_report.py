"""Time the annual report pack (issue 15) for a board of 10 reviews and 500 actions, as the worker writes it.

    python bench/annual_report.py [--postgres postgres://postgres@127.0.0.1:5432/] [--repeat 3]

The board: 10 reviews commissioned this year, half of them published (concluded) in it, 500 actions across them
with judgements, a recommendation in ten not accepted with its reasons, 20 learning activities with attendance
by 13 agencies, and each review's statutory milestones. Figures: building the pack (queries and all), writing
the Word file and the PDF from it, and the worker's whole task (`write_annual_report`) for each format, with the
pack's query count and the files' sizes.
"""

import datetime

from common import arguments, build_board, first_board, median_ms, throwaway_database, user_with_role


def add_year(reviews, today: datetime.date) -> None:
    """Decisions, learning and milestones on top of build_board's reviews, actions and judgements."""
    from reviews.models import Agency, LearningActivity, LearningAttendance, Recommendation, refresh_milestones

    for n, review in enumerate(reviews):
        review.kind = "sar"  # milestones counted from the dates below: a decision due a month after awareness
        review.aware_on = today - datetime.timedelta(days=60)
        review.decision_on = today - datetime.timedelta(days=20)
        review.published_on = today if n % 2 else None
        review.save()
        refresh_milestones(review)
    recs = Recommendation.objects.filter(review__in=reviews).order_by("pk")
    for n, rec in enumerate(recs):
        rec.decision = "not_accepted" if n % 10 == 0 else "accepted"
        rec.decision_reason = "The partnership-wide form already asks these questions." if n % 10 == 0 else ""
        rec.decided_by, rec.decided_on = "Case Review Subgroup", today
        rec.save()
    agencies = list(Agency.objects.all())
    for n in range(20):
        activity = LearningActivity.objects.create(
            board=first_board(), kind="briefing", held_on=today, title=f"Seven-minute briefing {n}"
        )
        activity.reviews.add(reviews[n % len(reviews)])
        LearningAttendance.objects.bulk_create(
            [LearningAttendance(activity=activity, agency=a, attendees=10 + k) for k, a in enumerate(agencies)]
        )


def main() -> None:
    args = arguments(__doc__)
    with throwaway_database(args.postgres) as label:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from assurance.annual_report import build
        from assurance.annual_report_files import write_annual_report, write_docx, write_pdf
        from assurance.models import AnnualReport
        from reviews import roles

        today = datetime.date.today()
        year = today.year if today.month >= 4 else today.year - 1
        reviews = build_board(500, reviews=10, prefix="pack")
        add_year(reviews, today)
        board = first_board()
        user = user_with_role("bench-manager", roles.BUSINESS_MANAGER)
        print(f"Annual report pack benchmark on {label}; median of {args.repeat} runs")
        print(f"Board: 10 reviews, 500 actions, 20 learning activities; financial year {year} to {year + 1}\n")
        with CaptureQueriesContext(connection) as queries:
            pack = build(user, year, "financial", board)
        print(f"pack: {len(pack.concluded)} concluded, {len(pack.ongoing)} ongoing, "
              f"{sum(a.total.count for a in pack.actions)} actions, {len(pack.not_implemented)} not implemented, "
              f"{len(pack.learning)} learning activities, {len(pack.timeliness)} reviews with milestones due; "
              f"{len(queries)} queries")  # fmt: skip
        print(
            f"{'build the pack':<34} {median_ms(lambda: build(user, year, 'financial', board), args.repeat):>8.0f} ms"
        )
        print(f"{'write the Word file (from a pack)':<34} {median_ms(lambda: write_docx(pack), args.repeat):>8.0f} ms"
              f"  ({len(write_docx(pack)) // 1024} KiB)")  # fmt: skip
        print(f"{'write the PDF (from a pack)':<34} {median_ms(lambda: write_pdf(pack), args.repeat):>8.0f} ms"
              f"  ({len(write_pdf(pack)) // 1024} KiB)")  # fmt: skip
        for file_format in ("docx", "pdf"):

            def task(file_format=file_format):
                report = AnnualReport.objects.create(requester=user, board=board, year=year, format=file_format)
                write_annual_report.call(report.pk)

            print(f"{'worker task, ' + file_format:<34} {median_ms(task, args.repeat):>8.0f} ms")


if __name__ == "__main__":
    main()
