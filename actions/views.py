"""The action list, the action page and the manager's and agency leads' changes to actions."""

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, ListView

from actions import exports, list_exports, scope, services
from actions.choices import RAG_MEANING, Rag
from actions.filters import SORT_CHOICES, SORTS, ActionFilterSet
from actions.forms import ActionForm, ImpactEvaluationForm, ProgressForm, StatusForm
from actions.models import Action, ImpactEvaluation
from lscb.platform.lists import filters_in_a_line
from lscb.platform.locking import StaleEdit, StaleFormMixin, latest_history_id
from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin, may
from reviews.boards import in_view, with_board
from reviews.models import Agency, Recommendation, Theme

# Column headings of the action list; a key makes the heading a sort link.
SORT_HEADERS = [
    ("number", "No."),
    ("", "Action"),
    ("agency", "Agency"),
    ("due", "Due date"),
    ("status", "Status (RAG)"),
    ("", "Assurance"),
]


class ActionInScopeMixin(PermissionRequiredMixin):
    """The action in the URL, if the user may see it (404 otherwise), as self.action."""

    def get_permission_object(self) -> Action:
        actions = Action.objects.for_user(self.request.user).with_recommendation()
        self.action = get_object_or_404(actions, pk=self.kwargs["pk"])
        return self.action


class ActionListView(PermissionRequiredMixin, ForgivingPaginationMixin, ListView):
    """Every action the user may see, filtered by the one ActionFilterSet.

    An export (CSV, XLSX, PDF) is a branch of get() on the same FilterSet and queryset, as in
    NetBox's ObjectListView: `filterset = self.get_filterset()`, refuse when it is invalid,
    then write `self.get_queryset()`.
    """

    permission = "board.browse"
    template_name = "actions/action_list.html"
    context_object_name = "actions"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("export")
        if kind is None:
            return super().get(request, *args, **kwargs)
        return self.export(kind)

    def export(self, kind: str):
        """The filtered rows as a file; an invalid filter or format exports nothing and says why."""
        filterset = self.get_filterset()
        if kind not in exports.FORMATS:
            filterset.form.add_error(None, f"Choose an export format: {', '.join(exports.FORMATS)}, not {kind!r}")
        if not filterset.is_valid():
            self.object_list = filterset.queryset.none()
            return self.render_to_response(self.get_context_data(), status=400)
        if kind == "pdf":  # printed by the worker: the requester watches its page (DESIGN.md §13)
            export = list_exports.request_export(self.request.user, with_board(self.request, self.request.GET))
            return HttpResponseRedirect(reverse("actions:export", args=[export.pk]), status=303)
        return exports.WRITTEN_NOW[kind](self.get_queryset(), self.request.user)

    def get_base_queryset(self) -> QuerySet:
        """The user's scope first, then what every row shows: the list and its exports share this."""
        return in_view(list_exports.list_actions(self.request.user), self.request)

    def get_filterset(self) -> ActionFilterSet:
        if not hasattr(self, "filterset"):
            self.filterset = ActionFilterSet(self.request.GET, queryset=self.get_base_queryset(), request=self.request)
        return self.filterset

    def get_queryset(self) -> QuerySet:
        filterset = self.get_filterset()
        if not filterset.is_valid():
            # Never a wider list than was asked for: bad input shows no rows and says why.
            return filterset.queryset.none()
        return filterset.qs

    def paginate_queryset(self, queryset, page_size):
        """A deferred join: sort and slice only the ids, then read the page's rows with what they show.

        Sorting the full, wide join of 20,000 actions for 50 rows was most of the unfiltered
        list's time; the narrow sort is several times cheaper (README, "Performance: action list").
        """
        paginator, page, ids, is_paginated = super().paginate_queryset(queryset.values_list("pk", flat=True), page_size)
        ids = list(ids)
        rows = self.get_base_queryset().order_by().in_bulk(ids)
        page.object_list = [rows[pk] for pk in ids]
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filter_context(self.request, self.get_filterset()))
        context["filter_summary"] = filters_in_a_line(
            context["filterset"], context["paginator"].count, "action", ACTION_FILTER_PHRASES, leave_out=("sort",)
        )
        return context


# How the line above a filtered action list names each filter ("Legal Services, overdue: 3 actions"); a filter
# not named here is its values alone (an agency, a status, a review).
ACTION_FILTER_PHRASES = {
    "RAG": "RAG {}",
    "Assurance": "assurance: {}",
    "Due on or after": "due on or after {}",
    "Due on or before": "due on or before {}",
    "Overdue": "overdue",
    "Search": "matching “{}”",
}


def filter_context(request, filterset: ActionFilterSet) -> dict:
    """What the filter panel shows: its options, the chosen values and any errors."""
    user = request.user
    selected = {name: request.GET.getlist(name) for name in filterset.filters}
    current_sort = request.GET.get("sort", "")
    options = {
        "agency": [(str(pk), name) for pk, name in Agency.objects.for_user(user).values_list("pk", "name")],
        "theme": [(str(pk), name) for pk, name in Theme.objects.values_list("pk", "name")],
        "rag": [(value, f"{label}: {RAG_MEANING[value]}") for value, label in Rag.choices],
    }
    options["review"] = [
        ("", "All reviews"),
        *scope.reviews_for(user).order_by("title").values_list("slug", "title"),
    ]
    for name, choices in options.items():
        # The fields draw these options, read once here, instead of querying their filter's queryset again.
        filterset.form.fields[name].widget.choices = choices
    return {
        "filterset": filterset,
        "form": filterset.form,
        "selected": selected,
        "sort_choices": SORT_CHOICES,
        "sort_headers": SORT_HEADERS,
        "current_sort": current_sort,
        "sort_label": dict(SORT_CHOICES).get(current_sort, SORTS["number"]).lower(),
        # Any value but the sort and page narrows the list (a date comes as one value or as day, month, year).
        "filtered": any(any(values) for name, values in request.GET.lists() if name not in ("sort", "page")),
    }


class ActionDetailView(ActionInScopeMixin, DetailView):
    permission = "board.view"
    methods_first = True
    template_name = "actions/action_detail.html"
    context_object_name = "action"

    def get_object(self, queryset=None) -> Action:
        return self.action

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluations = ImpactEvaluation.objects.for_user(self.request.user).of_action(self.object)
        overdue = self.object.evaluate_by is not None and self.object.evaluate_by < timezone.localdate()
        context.update(
            recommendation=self.object.recommendation,
            review=self.object.recommendation.review,
            progress_updates=list(self.object.progress_updates.select_related("author")),
            subject=self.object,
            evaluations=list(evaluations),
            evaluation_of_action=True,
            evaluation_overdue=overdue and not any(e.action_id == self.object.pk for e in evaluations),
        )
        if may(self.request.user, "actions.evaluate_impact"):
            url = reverse("actions:evaluation-create", args=[self.object.recommendation_id])
            context["evaluate_url"] = f"{url}?action={self.object.pk}"
        return context


class ActionChangeMixin(ActionInScopeMixin, StaleFormMixin):
    """The action in the URL (404 outside the user's scope), then the view's named permission (403).

    The services lock the action and check the form's history marker (lscb/platform/locking.py).
    """

    stale_message = (
        "Someone changed this action after you opened the form. Your changes have not been saved. "
        "Check what changed below; to save yours anyway, submit the form again"
    )

    permission = "actions.change_action"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action=self.action,
            recommendation=self.action.recommendation,
            review=self.action.recommendation.review,
            **kwargs,
        )


class ActionEditView(ActionChangeMixin, FormView):
    template_name = "actions/action_form.html"
    form_class = ActionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.action}

    def get_initial(self):
        return {"seen": latest_history_id(self.action)}

    def form_valid(self, form):
        values = {name: form.cleaned_data[name] for name in ActionForm.Meta.fields}
        try:
            services.update_action(
                self.action.pk, user=self.request.user, seen=form.cleaned_data["seen"], values=values
            )
        except StaleEdit as stale:
            return self.stale_response(form, stale)
        messages.success(self.request, "Action saved.")
        return HttpResponseRedirect(self.action.get_absolute_url())


class ActionStatusView(ActionChangeMixin, FormView):
    template_name = "actions/status_form.html"
    form_class = StatusForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def get_initial(self):
        reason_field = StatusForm.REASON_FIELDS.get(self.action.status, "status_reason")
        return {
            "status": self.action.status,
            reason_field: self.action.status_reason,
            "seen": latest_history_id(self.action),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            action = services.change_status(
                self.action.pk,
                user=self.request.user,
                seen=data["seen"],
                status=data["status"],
                reason=data["status_reason"],
                note=data["note"],
            )
        except StaleEdit as stale:
            return self.stale_response(form, stale)
        except services.StatusRefused as refused:  # the rule changed between the form's check and the lock
            form.add_error("status", str(refused))
            return self.form_invalid(form)
        messages.success(self.request, f"Status changed to {action.get_status_display()}.")
        return HttpResponseRedirect(action.get_absolute_url())


class ProgressCreateView(ActionChangeMixin, FormView):
    template_name = "actions/progress_form.html"
    form_class = ProgressForm

    permission = "actions.add_progress"

    def form_valid(self, form):
        data = form.cleaned_data
        services.add_progress(self.action.pk, user=self.request.user, text=data["text"], written_on=data["written_on"])
        messages.success(self.request, "Progress update added.")
        return HttpResponseRedirect(self.action.get_absolute_url())


class ActionCreateView(PermissionRequiredMixin, FormView):
    """Add an action to a recommendation (business manager only)."""

    permission = "reviews.manage_plan"
    template_name = "actions/action_form.html"
    form_class = ActionForm

    def get_permission_object(self) -> Recommendation:
        recommendations = scope.recommendations_for(self.request.user).select_related("review", "agency")
        self.recommendation = get_object_or_404(recommendations, pk=self.kwargs["recommendation_pk"])
        return self.recommendation

    def get_initial(self):
        return {"agency": self.recommendation.agency_id}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recommendation=self.recommendation, review=self.recommendation.review, creating=True, **kwargs
        )

    def form_valid(self, form):
        action = form.save(commit=False)
        action.recommendation = self.recommendation
        action._history_user = self.request.user
        with transaction.atomic():
            action.save()
        messages.success(self.request, "Action added.")
        return HttpResponseRedirect(action.get_absolute_url())


class ImpactEvaluationCreateView(PermissionRequiredMixin, FormView):
    """Record the board's impact evaluation of a recommendation, or of one of its actions (the manager's)."""

    permission = "actions.evaluate_impact"
    template_name = "actions/evaluation_form.html"
    form_class = ImpactEvaluationForm

    def get_permission_object(self) -> Recommendation:
        recommendations = scope.recommendations_for(self.request.user).select_related("review", "agency")
        self.recommendation = get_object_or_404(recommendations, pk=self.kwargs["recommendation_pk"])
        return self.recommendation

    def get_form_kwargs(self):
        actions = Action.objects.for_user(self.request.user).filter(recommendation=self.recommendation)
        kwargs = {**super().get_form_kwargs(), "actions": actions.order_by("pk")}
        kwargs["instance"] = ImpactEvaluation(recommendation=self.recommendation)
        return kwargs

    def get_initial(self):
        return {"action": self.request.GET.get("action", "")[:20]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(recommendation=self.recommendation, review=self.recommendation.review, **kwargs)

    def form_valid(self, form):
        evaluation = services.record_evaluation(form.save(commit=False), user=self.request.user)
        messages.success(self.request, f"Evaluation recorded: {evaluation.get_judgement_display().lower()}.")
        target = evaluation.action or self.recommendation
        return HttpResponseRedirect(target.get_absolute_url())
