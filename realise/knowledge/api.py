"""API of the repository: `GET /api/v1/search/` (the repository search for other systems),
and the lessons and documents (read only).

Signed in (session or token), the same visibility rules as the pages. Answers
`{"count": n, "results": [{"type", "id", "title", "snippet", "url", "score"}]}`, best first.
`snippet` is HTML: the text is escaped and matched words are wrapped in `<mark>`.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from realise.core.api import ReadOnlyDomainViewSet, read_only_serializer
from realise.knowledge.forms import SearchForm
from realise.knowledge.indexing import REGISTRY
from realise.knowledge.models import Document, Lesson
from realise.knowledge.search import search
from realise.knowledge.services import DOCUMENT_FIELDS, LESSON_FIELDS

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
MAX_OFFSET = 2**31 - 1  # far past any repository, and within what the databases accept


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text="collaboration, initiative, benefit, lesson, document or decision"
    )
    id = serializers.IntegerField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: escaped text with <mark> around matches.")
    url = serializers.URLField()
    score = serializers.FloatField(
        help_text="Relevance; higher is better. Comparable only within one answer."
    )


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="All visible matches, not just this page.")
    results = SearchHitSerializer(many=True)


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=500, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
    offset = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET, default=0)


class SearchAPIView(APIView):
    """Search collaborations, initiatives, benefits, lessons, decisions and documents."""

    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, required=True, description="What to search for."
            ),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                many=True,
                description="Only these types (repeat, or separate with commas): "
                "collaboration, initiative, benefit, lesson, document, decision.",
            ),
            OpenApiParameter("force", OpenApiTypes.STR, description="A member force's slug."),
            OpenApiParameter("region", OpenApiTypes.STR, description="A region's slug."),
            OpenApiParameter("function", OpenApiTypes.STR, description="e.g. vetting."),
            OpenApiParameter("theme", OpenApiTypes.STR, description="A lesson theme."),
            OpenApiParameter("stage", OpenApiTypes.INT, description="Stage 0 to 5."),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"At most {MAX_LIMIT}."),
            OpenApiParameter("offset", OpenApiTypes.INT, description=f"At most {MAX_OFFSET}."),
        ],
        responses=SearchResponseSerializer,
    )
    def get(self, request):
        paging = SearchQuerySerializer(data=request.query_params)
        paging.is_valid(raise_exception=True)
        params = request.query_params.copy()
        types = [
            t.strip() for value in params.getlist("type") for t in value.split(",") if t.strip()
        ]
        unknown = sorted(set(types) - set(REGISTRY))
        if unknown:
            raise serializers.ValidationError(
                {"type": [f"Unknown type: {', '.join(unknown)}. Known: {', '.join(REGISTRY)}."]}
            )
        params.setlist("type", types)
        form = SearchForm(params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            )
        results = search(paging.validated_data["q"], user=request.user, filters=form.filters())
        offset, limit = paging.validated_data["offset"], paging.validated_data["limit"]
        hits = results[offset : offset + limit]
        payload = {"count": results.count(), "results": []}
        for hit in hits:
            row = hit.as_dict()
            row["url"] = request.build_absolute_uri(hit.url)
            payload["results"].append(row)
        return Response(payload)


# The fields the repository's services write, as they write them.
LessonSerializer = read_only_serializer(Lesson, ["id", *LESSON_FIELDS, "created_at", "updated_at"])
DocumentSerializer = read_only_serializer(
    Document, ["id", *DOCUMENT_FIELDS, "created_at", "updated_at"]
)


class LessonViewSet(ReadOnlyDomainViewSet):
    """The lessons learned log, across every collaboration you may see."""

    serializer_class = LessonSerializer
    filterset_fields = {
        "collaboration": ["exact"],
        "initiative": ["exact"],
        "theme": ["exact"],
        "stage": ["exact"],
        "date": ["gte", "lte"],
    }
    ordering_fields = ["date", "title"]

    def scope(self, user):
        return Lesson.objects.visible_to(user).order_by("-date", "pk")


class DocumentViewSet(ReadOnlyDomainViewSet):
    """Business-case and other documents (their files download through the pages)."""

    serializer_class = DocumentSerializer
    filterset_fields = ["collaboration", "initiative", "kind", "stage"]
    ordering_fields = ["title", "updated_at"]

    def scope(self, user):
        return Document.objects.visible_to(user).order_by("title", "pk")


def register(router) -> None:
    router.register("lessons", LessonViewSet, basename="lesson")
    router.register("documents", DocumentViewSet, basename="document")
