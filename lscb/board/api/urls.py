"""/api/v1/ and /api/schema/ (DESIGN.md §8): the read-only reporting API.

Adding an endpoint:
1. a serializer in serializers.py, flat, with the stored choice values beside their labels;
2. a ScopedViewSet in views.py whose `scoped(user)` starts from the model's `for_user(user)` (its
   queryset subclasses reviews.models.ScopedQuerySet, so board scoping covers it) with the
   select_related/prefetch_related its serializer reads, ordered ending in "pk";
3. `router.register("milestones", MilestoneViewSet, basename="milestone")` below (`?board=` comes with
   ScopedViewSet: the queryset's own `on_boards`, or the view's `on_boards` where that is not enough);
4. rows in tests/permission_matrix/matrix.py and a case in lscb/board/api/tests/test_endpoints.py's
   ENDPOINTS (scope per persona, pinned query count).
"""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from rest_framework import routers

from lscb.board.api import views

app_name = "api"


class Router(routers.DefaultRouter):
    APIRootView = views.ApiRootView
    include_format_suffixes = False  # ?format=json does the same, without a second name for every path


router = Router(use_regex_path=False)
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("actions", views.ActionViewSet, basename="action")
router.register("assurance-judgements", views.AssuranceJudgementViewSet, basename="assurance-judgement")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("learning-activities", views.LearningActivityViewSet, basename="learning-activity")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    # Swagger UI sets style attributes from its script: the one page whose CSP allows inline styles
    # (never inline scripts: its script is a file of its own, SpectacularSwaggerSplitView).
    path(
        "schema/docs/",
        csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(views.SchemaDocsView.as_view(url_name="api:schema")),
        name="schema-docs",
    ),
]
# Sign-in is the API's own (a token, or the session): LoginRequiredMiddleware would send a token's
# request to the sign-in page before the token is read. Anonymous requests answer 401 (NamedPermission).
for pattern in [*router.urls, *urlpatterns[1:]]:
    login_not_required(pattern.callback)
