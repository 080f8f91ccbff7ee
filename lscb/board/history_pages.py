"""History pages for actions, reviews, recommendations and learning activities, and the board-wide change log
(/audit/).

All are read-only: they answer GET only (anything else is 405). Each page
costs a fixed number of queries whatever the number of history rows (see
lscb/history.py and the pinned counts in lscb/tests/test_history_queries.py).
"""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from actions import scope
from actions.models import Action, ProgressUpdate
from lscb.board.board_history import board_where
from lscb.board.filters import AuditFilterSet
from lscb.platform.history import Source, audited_history_models, entries_for, history_model_of, timeline
from lscb.platform.pagination import pagination_links
from lscb.platform.permissions import PermissionRequiredMixin, may
from reviews import roles
from reviews.boards import current_board, several
from reviews.models import CascadeConfirmation, LearningActivity, LearningAttendance, Membership, Recommendation, Review

PER_PAGE = 25


def reverse_page(name: str, *args) -> str:
    return reverse(name, args=args)


class HistoryPageMixin:
    """Paginates a timeline and turns the page's rows into entries."""

    per_page = PER_PAGE
    with_records = False

    def history_context(self, sources: list[Source], narrow=None) -> dict:
        paginator = Paginator(timeline(sources, narrow), self.per_page)
        page = paginator.get_page(self.request.GET.get("page"))
        entries = entries_for(list(page.object_list), sources, with_records=self.with_records)
        return {
            "entries": entries,
            "page_obj": page,
            "pagination": pagination_links(page, self.request.GET),
        }


class ObjectHistoryView(PermissionRequiredMixin, HistoryPageMixin, TemplateView):
    """A History tab: one record's changes, newest first, field by field (404 outside the user's scope)."""

    permission = "board.view"
    methods_first = True
    template_name = "board/history.html"
    show_record_kind = False

    def get_permission_object(self):
        return self.get_object()

    def get_object(self):
        raise NotImplementedError

    def get_sources(self, obj) -> list[Source]:
        raise NotImplementedError

    def get_breadcrumbs(self, obj) -> list[tuple[str, str]]:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.permission_object
        context.update(self.history_context(self.get_sources(obj)))
        context.update(obj=obj, breadcrumbs=self.get_breadcrumbs(obj), show_record_kind=self.show_record_kind)
        return context


class ActionHistoryView(ObjectHistoryView):
    """The action's own changes and its progress updates, merged by date."""

    show_record_kind = True

    def get_object(self):
        queryset = Action.objects.for_user(self.request.user).select_related("recommendation__review")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_sources(self, action):
        return [
            Source(history_model_of(Action), Q(id=action.pk)),
            Source(history_model_of(ProgressUpdate), Q(action_id=action.pk), hidden=frozenset({"action"})),
        ]

    def get_breadcrumbs(self, action):
        return [
            ("Dashboard", reverse("board:dashboard")),
            ("Actions", reverse_page("actions:list")),
            (f"Action {action.recommendation.number}", reverse_page("actions:detail", action.pk)),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = context["obj"]
        context["title"] = f"History of action {action.recommendation.number}"
        context["caption"] = action.recommendation.review.title
        context["summary"] = action.description
        return context


class ReviewHistoryView(ObjectHistoryView):
    """The review's own details: title, status, dates, author and so on."""

    def get_object(self):
        return get_object_or_404(scope.reviews_for(self.request.user), slug=self.kwargs["slug"])

    def get_sources(self, review):
        return [Source(history_model_of(Review), Q(id=review.pk))]

    def get_breadcrumbs(self, review):
        return [
            ("Dashboard", reverse("board:dashboard")),
            ("Reviews", reverse_page("board:reviews")),
            (review.subject, reverse_page("board:review", review.slug)),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "History of the review"
        context["caption"] = context["obj"].title
        return context


class RecommendationHistoryView(ObjectHistoryView):
    """A recommendation's text, agency, source and themes over time."""

    def get_object(self):
        queryset = scope.recommendations_for(self.request.user).select_related("review")
        return get_object_or_404(queryset, review__slug=self.kwargs["slug"], pk=self.kwargs["pk"])

    def get_sources(self, recommendation):
        return [Source(history_model_of(Recommendation), Q(id=recommendation.pk), hidden=frozenset({"review"}))]

    def get_breadcrumbs(self, recommendation):
        review = recommendation.review
        return [
            ("Dashboard", reverse("board:dashboard")),
            ("Reviews", reverse_page("board:reviews")),
            (review.subject, reverse_page("board:review", review.slug)),
            (
                f"Recommendation {recommendation.number}",
                reverse_page("board:recommendation", review.slug, recommendation.pk),
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recommendation = context["obj"]
        context["title"] = f"History of recommendation {recommendation.number}"
        context["caption"] = recommendation.review.title
        context["summary"] = recommendation.text
        return context


class LearningActivityHistoryView(ObjectHistoryView):
    """A learning activity's details, reviews and themes, and its attendance and cascade confirmations, merged by
    date. An agency lead sees what its page shows them: their agencies' attendance and cascades, and not which
    reviews it carries (some may be outside their scope)."""

    show_record_kind = True

    def get_object(self):
        return get_object_or_404(LearningActivity.objects.for_user(self.request.user), pk=self.kwargs["pk"])

    def get_sources(self, activity):
        own, by_agency, hidden = Q(id=activity.pk), Q(activity_id=activity.pk), frozenset({"activity"})
        if not roles.sees_whole_board(self.request.user, activity.board_ids()):
            by_agency &= Q(agency_id__in=roles.lead_agency_ids(self.request.user, activity.board_ids()))
            return [
                Source(history_model_of(LearningActivity), own, hidden=frozenset({"reviews"})),
                Source(history_model_of(LearningAttendance), by_agency, hidden=hidden),
                Source(history_model_of(CascadeConfirmation), by_agency, hidden=hidden),
            ]
        return [
            Source(history_model_of(LearningActivity), own),
            Source(history_model_of(LearningAttendance), by_agency, hidden=hidden),
            Source(history_model_of(CascadeConfirmation), by_agency, hidden=hidden),
        ]

    def get_breadcrumbs(self, activity):
        return [
            ("Dashboard", reverse("board:dashboard")),
            ("Learning shared", reverse_page("reviews:learning-list")),
            (activity.title, reverse_page("reviews:learning", activity.pk)),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "History of the learning activity"
        context["caption"] = context["obj"].title
        return context


class AuditView(PermissionRequiredMixin, HistoryPageMixin, TemplateView):
    """The board's change log: every change to its records, newest first. Managers, chairs and scrutineers."""

    permission = "board.see_audit"
    template_name = "board/audit.html"
    with_records = True

    def board_sources(self) -> list[Source]:
        """Each historical model, narrowed to the boards the viewer reads whole (the one in view)."""
        boards = roles.scope_of(self.request.user).whole_boards
        if several(self.request):
            boards = boards & {current_board(self.request).pk}
        members = Membership.objects.filter(board__in=boards).values("user")
        sources = []
        for model in audited_history_models():
            where = board_where(model, boards, members)
            if where is not None:
                sources.append(Source(model, where))
        return sources

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = AuditFilterSet(self.request.GET)
        context["filterset"] = filterset
        # Sign-ins, lockouts and downloads live beside the change log, for those who may see them.
        context["show_security_log"] = may(self.request.user, "board.see_security_log")
        context["filtered"] = any(self.request.GET.get(name) for name in filterset.filters)
        if not filterset.is_valid():
            # Invalid input narrows to nothing rather than silently showing everything.
            context.update(entries=[], page_obj=None, pagination=None)
            return context
        sources = self.board_sources()
        context.update(self.history_context(sources, narrow=filterset.filter_queryset))
        return context
