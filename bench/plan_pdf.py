"""Time the printed action plan at 50, 200 and 500 actions against WeasyPrint's own floor.

    python bench/plan_pdf.py [--postgres postgres://postgres@127.0.0.1:5432/] [--repeat 5]

For each size: the full uncached plan (generations, queries, template,
WeasyPrint), then WeasyPrint alone on the already-built HTML of that plan
(the floor for any WeasyPrint product), and their ratio (goal ≤ 1.15×).
Then the peak memory of the 500-action plan and the time of a cached plan,
direct and through a full request (goal < 50 ms).
"""

import io
import os
import resource
import tracemalloc

from common import arguments, build_board, interleaved_wall_and_cpu_ms, median_ms, throwaway_database, user_with_role
from pypdf import PdfReader

SIZES = (50, 200, 500)


def main() -> None:
    args = arguments(__doc__)
    with throwaway_database(args.postgres) as label:
        from django.core.cache import cache
        from django.test import Client

        from actions import plan as plan_pdf
        from reviews import roles

        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"Printed plan benchmark on {label}; median of {args.repeat} runs; load average {load}\n")
        user = user_with_role("bench-chair", roles.SUBGROUP_CHAIR)
        print("Wall-clock and CPU (this process) milliseconds; the ratio on CPU is the steadier on a busy machine.")
        print(f"{'actions':>8} {'pages':>6} {'plan wall':>10} {'floor wall':>11} {'ratio':>6}   ", end="")
        print(f"{'plan CPU':>9} {'floor CPU':>10} {'ratio':>6}")
        reviews = {}
        for size in SIZES:
            review = reviews[size] = build_board(size, prefix=f"plan{size}")[0]

            def full(review=review):
                cache.clear()
                return plan_pdf.cached_plan(review, None, user)

            html = plan_pdf.plan_html(plan_pdf.review_plan_document(review, None, user))
            pages = len(PdfReader(io.BytesIO(full())).pages)  # also warms fonts and the template
            (plan_wall, plan_cpu), (floor_wall, floor_cpu) = interleaved_wall_and_cpu_ms(
                full, lambda html=html: plan_pdf.html_to_pdf(html), repeat=args.repeat
            )
            print(
                f"{size:>8} {pages:>6} {plan_wall:>10.0f} {floor_wall:>11.0f} {plan_wall / floor_wall:>5.2f}×   ",
                end="",
            )
            print(f"{plan_cpu:>9.0f} {floor_cpu:>10.0f} {plan_cpu / floor_cpu:>5.2f}×")

        review = reviews[SIZES[-1]]
        cache.clear()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        plan_pdf.cached_plan(review, None, user)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"\n{SIZES[-1]}-action plan: peak Python memory {peak / 2**20:.0f} MiB (tracemalloc); ", end="")
        print(f"process peak RSS {rss_after / 1024:.0f} MiB (grew {max(0, rss_after - rss_before) / 1024:.0f} MiB)")

        plan_pdf.cached_plan(review, None, user)
        direct = median_ms(lambda: plan_pdf.cached_plan(review, None, user), max(args.repeat, 20))
        client = Client()
        client.force_login(user)
        url = f"/reviews/{review.slug}/plan.pdf"
        assert client.get(url).status_code == 200
        request = median_ms(lambda: client.get(url), max(args.repeat, 20))
        print(f"Cached {SIZES[-1]}-action plan: {direct:.1f} ms (cached_plan), {request:.1f} ms (full GET request)")


if __name__ == "__main__":
    main()
