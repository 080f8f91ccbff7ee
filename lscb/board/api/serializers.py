"""What each endpoint answers for one record: flat columns, stored choice values beside their labels, ISO dates.

Flat rather than nested, so that Power BI reads each endpoint as one table; the ids join the tables
(an action's `recommendation` is a recommendation's `id`, its `review` a review's `slug`).
"""

from rest_framework import serializers

from actions.models import Action
from assurance.models import AssuranceJudgement
from lscb.platform.values import person
from reviews.models import Agency, LearningActivity, LearningAttendance, Milestone, Recommendation, Review


class AgencySerializer(serializers.ModelSerializer):
    sector_label = serializers.CharField(source="get_sector_display")

    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "sector", "sector_label", "active"]


class ReviewSerializer(serializers.ModelSerializer):
    board = serializers.CharField(source="board.slug")
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    decision_label = serializers.CharField(source="get_decision_display")
    # The rapid review this one was converted from, and those converted from it: slugs, as `review` elsewhere;
    # only reviews the person may see (ReviewViewSet prefetches them so).
    converted_from = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    converted_to = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "slug",
            "id",
            "kind",
            "kind_label",
            "reference",
            "subject",
            "title",
            "author",
            "commissioned_on",
            "published_on",
            "status",
            "status_label",
            "subgroup",
            "summary",
            "board",
            # The dates and references of the national returns (the review page's "Dates and references").
            "aware_on",
            "panel_notified_on",
            "ofsted_reference",
            "decision",
            "decision_label",
            "decision_on",
            "converted_from",
            "converted_to",
            "incident_council",
            "home_council",
            "steis_reference",
            "signed_off_on",
            "sent_to_panel_on",
            "publication_url",
            "updated_at",
        ]


class RecommendationSerializer(serializers.ModelSerializer):
    review = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agency_name = serializers.CharField(source="agency.name", default=None)
    source_label = serializers.CharField(source="get_source_display")
    themes = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = ["id", "review", "number", "text", "agency", "agency_name", "source", "source_label", "themes"]


class ActionSerializer(serializers.ModelSerializer):
    review = serializers.CharField(source="recommendation.review.slug")
    review_title = serializers.CharField(source="recommendation.review.title")
    recommendation_number = serializers.CharField(source="recommendation.number")
    agency_name = serializers.CharField(source="agency.name", default=None)
    status_label = serializers.CharField(source="get_status_display")
    rag = serializers.CharField()
    rag_label = serializers.CharField(source="get_rag_display")
    assurance_level_label = serializers.CharField(source="get_assurance_level_display")
    overdue = serializers.BooleanField(source="is_overdue")

    class Meta:
        model = Action
        fields = [
            "id",
            "review",
            "review_title",
            "recommendation",
            "recommendation_number",
            "agency",
            "agency_name",
            "description",
            "lead_officer",
            "due_date",
            "status",
            "status_label",
            "status_reason",
            "rag",
            "rag_label",
            "overdue",
            "assurance_level",
            "assurance_level_label",
            "assurance_statement",
            "progress",
            "completed_on",
            "updated_at",
        ]


class AssuranceJudgementSerializer(serializers.ModelSerializer):
    review = serializers.CharField(source="action.review.slug")
    agency = serializers.IntegerField(source="action.agency_id", allow_null=True)
    level_label = serializers.CharField(source="get_level_display")
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = AssuranceJudgement
        fields = ["id", "action", "review", "agency", "level", "level_label", "statement", "judged_on", "recorded_by"]

    def get_recorded_by(self, judgement: AssuranceJudgement) -> str:
        return person(judgement.recorded_by)


class MilestoneSerializer(serializers.ModelSerializer):
    review = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    review_reference = serializers.CharField(source="review.reference")
    rule = serializers.CharField(source="rule.key")
    rule_in_words = serializers.CharField(source="rule.describe")
    state = serializers.ChoiceField(choices=Milestone.State.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display")
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "review",
            "review_reference",
            "rule",
            "name",
            "order",
            "rule_in_words",
            "due_on",
            "extended_to",
            "done_on",
            "state",
            "state_label",
            "recorded_by",
            "note",
        ]

    def get_recorded_by(self, milestone: Milestone) -> str | None:
        return person(milestone.recorded_by) if milestone.recorded_by_id else None


class LearningAttendanceSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name")

    class Meta:
        model = LearningAttendance
        fields = ["agency", "agency_name", "attendees"]


class LearningActivitySerializer(serializers.ModelSerializer):
    board = serializers.CharField(source="board.slug")
    kind_label = serializers.CharField(source="get_kind_display")
    attendees = serializers.SerializerMethodField()
    attendance = LearningAttendanceSerializer(source="attendances", many=True, read_only=True)
    reviews = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    themes = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = LearningActivity
        fields = [
            "id",
            "board",
            "kind",
            "kind_label",
            "held_on",
            "title",
            "description",
            "attendees",
            "attendance",
            "reviews",
            "themes",
        ]

    def get_attendees(self, activity: LearningActivity) -> int:
        """The practitioners recorded across every agency, as the learning list counts them."""
        return activity.attendees or 0
