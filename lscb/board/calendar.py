"""The deadlines calendar (DESIGN.md §10): each person's private iCalendar feed of the milestones of the reviews
in their scope and the due dates of the open actions in their scope, for Outlook and other calendar clients.

`/calendar/` shows the feed's address and resets it. The feed itself (`/calendar/<token>.ics`) is reached by
its secret token, since calendar clients cannot sign in; it carries no case details beyond the review's
reference, the milestone and the action's number, and answers 404 for a reset token or a deactivated person.
Entries are all-day events whose UIDs are the milestone's or action's id, so a moved due date moves the event.
"""

import datetime
import secrets

import icalendar
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView, View

from actions import scope
from actions.choices import OPEN_STATUSES
from actions.models import Action
from lscb.platform.models import CalendarFeed
from lscb.platform.permissions import PermissionRequiredMixin, may
from reviews.models import Milestone

# The feed's bounds: dates from PAST_DAYS ago to AHEAD_DAYS ahead, and at most so many entries of each kind
# (the nearest first), so a large board's feed stays small enough for a calendar client to poll.
PAST_DAYS = 90
AHEAD_DAYS = 2 * 366
MAX_MILESTONES = 500
MAX_ACTIONS = 2_000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_url(request, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("board:calendar-feed", args=[feed.token]))


class CalendarPageView(PermissionRequiredMixin, TemplateView):
    """Your calendar address, and a button to reset it."""

    permission = "board.browse"
    template_name = "board/calendar.html"

    def get_context_data(self, **kwargs):
        feed = CalendarFeed.objects.filter(user=self.request.user).first()
        return super().get_context_data(feed=feed, url=feed_url(self.request, feed) if feed else "", **kwargs)


class CalendarResetView(PermissionRequiredMixin, View):
    """Make (or replace) your calendar address: the old one stops working at once."""

    permission = "board.browse"
    http_method_names = ["post"]

    def post(self, request):
        CalendarFeed.objects.update_or_create(user=request.user, defaults={"token": new_token()})
        return HttpResponseRedirect(reverse("board:calendar") + "?reset=1")


def milestones_for(user, start: datetime.date, end: datetime.date):
    reviews = scope.reviews_for(user)
    return (
        Milestone.objects.filter(review__in=reviews, due_on__range=(start, end))
        .select_related("review")
        .order_by("due_on", "pk")[:MAX_MILESTONES]
    )


def actions_for(user, start: datetime.date, end: datetime.date):
    """Open actions in the user's scope, exactly as the action list scopes them (Action.objects.for_user)."""
    return (
        Action.objects.for_user(user)
        .filter(status__in=OPEN_STATUSES, due_date__range=(start, end))
        .select_related("recommendation__review")
        .order_by("due_date", "pk")[:MAX_ACTIONS]
    )


def reference(review) -> str:
    return review.reference or f"Review {review.pk}"


def all_day(uid: str, day: datetime.date, summary: str, stamp: datetime.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    return event


def build_calendar(user, today: datetime.date) -> icalendar.Calendar:
    start, end = today - datetime.timedelta(days=PAST_DAYS), today + datetime.timedelta(days=AHEAD_DAYS)
    stamp = timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Safeguarding review action tracker//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{settings.BOARD_NAME}: deadlines")
    for milestone in milestones_for(user, start, end):
        done = " (done)" if milestone.done_on else ""
        summary = f"{reference(milestone.review)}: {milestone.name}{done}"
        calendar.add_component(all_day(f"milestone-{milestone.pk}@lscb", milestone.due_on, summary, stamp))
    for action in actions_for(user, start, end):
        recommendation = action.recommendation
        summary = f"{reference(recommendation.review)}: action {action.pk} (recommendation {recommendation.number}) due"
        calendar.add_component(all_day(f"action-{action.pk}@lscb", action.due_date, summary, stamp))
    return calendar


@login_not_required
@never_cache
@require_safe
def calendar_feed(request, token: str):
    """The feed, reached by its secret token alone; 404 for a token reset since or a deactivated person."""
    if len(token) > 64:
        raise Http404
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not may(feed.user, "board.browse"):
        raise Http404
    body = build_calendar(feed.user, timezone.localdate()).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response
