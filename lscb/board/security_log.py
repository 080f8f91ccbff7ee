"""The security log page: sign-ins, refusals and downloads, for the business manager."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.views.generic import ListView

from lscb.platform.forms import DateFilter
from lscb.platform.lists import FilteredListMixin
from lscb.platform.models import SecurityEvent
from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin
from lscb.platform.security import EventKind
from reviews import roles
from reviews.boards import current_board, several
from reviews.models import Membership


class SecurityEventFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=EventKind.choices,
        empty_label="Any kind",
        error_messages={"invalid_choice": "Select a kind of event from the list"},
    )
    user = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"),
        empty_label="Anyone",
        error_messages={"invalid_choice": "Select a person from the list"},
    )
    date_from = DateFilter(field_name="at", lookup_expr="date__gte", label="From")
    date_to = DateFilter(field_name="at", lookup_expr="date__lte", label="To")

    class Meta:
        model = SecurityEvent
        fields = ["kind", "user", "date_from", "date_to"]


class SecurityLogView(PermissionRequiredMixin, FilteredListMixin, ForgivingPaginationMixin, ListView):
    """Sign-ins, failures, lockouts, refusals and downloads, newest first, for the business manager."""

    permission = "board.see_security_log"
    template_name = "board/security_log.html"
    paginate_by = 50
    context_object_name = "events"
    filterset_class = SecurityEventFilterSet

    def get_scoped_queryset(self):
        """An administrator sees the whole deployment's log; a business manager, the events of the
        people on the boards they manage (in view, for someone on several boards), and the sign-ins
        tried with names that are nobody's (probing is every board's concern)."""
        user = self.request.user
        if user.is_superuser:
            return SecurityEvent.objects.all()
        boards = roles.scope_of(user).boards_with(roles.MANAGER)
        if several(self.request):  # the board in view, if they manage it; else every board they manage
            boards = (boards & {current_board(self.request).pk}) or boards
        members = Membership.objects.filter(board__in=boards).values("user")
        return SecurityEvent.objects.filter(Q(user__in=members) | Q(user__isnull=True))

    def ordered(self, queryset):
        return queryset.select_related("user").order_by("-at", "-pk")
