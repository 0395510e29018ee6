"""What every API resource shares: permissions, versions (ETag / If-Match), paging.

One permission model for pages and API: each request is mapped to a rule in
the app's `rules.py` (`<app>.view_<model>`, `add_`, `change_`, `delete_`) and checked with
the object (for a create, the unsaved object as it would be created). Querysets are scoped
with `Model.objects.visible_to(user)`, so what a user may not see does not exist for them (404).

Versions: a resource whose model is `Versioned` answers with `ETag: "<version>"`. An
update or delete sent with a stale `If-Match` is refused with 412, one whose body carries a
stale `version` with 409; both answer with the current version. One that says neither is
refused with 428 (unless `REALISE_API_REQUIRE_VERSION` is off), so that no client replaces
another's change by omission. The write itself is a compare-and-set in the database, so
two writers racing cannot both win.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.http import JsonResponse
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import (
    exceptions,
    pagination,
    permissions,
    serializers,
    status,
    viewsets,
)
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.fields import get_error_detail
from rest_framework.pagination import BasePagination
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from realise.core import inputs
from realise.core.authentication import TokenOnce
from realise.core.history import set_history_user
from realise.core.inspection import record_if_inspected
from realise.core.models import StaleVersion, Versioned
from realise.core.parsers import JSONParser

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass


def perm_name(model, action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


class RulesPermission(permissions.BasePermission):
    """Signed-in users only; each object checked against the rule for the method.

    A view may name `read_actions` (extra actions that only read, such as a gate check,
    even when sent with POST): they need the view rule only; and `change_actions` (extra
    actions sent with POST that change the object, such as resolving it): they need the
    change rule.
    """

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        action = ACTIONS.get(request.method, "change")
        if getattr(view, "action", None) in getattr(view, "read_actions", ()):
            action = "view"
        elif getattr(view, "action", None) in getattr(view, "change_actions", ()):
            action = "change"
        user = request.user
        if action != "view" and not user.has_perm(perm_name(type(obj), "view"), obj):
            return False
        return user.has_perm(perm_name(type(obj), action), obj)


def _whole_number(text: str) -> bool:
    """Text that is a whole number from 1, in digits (not "1.5", "-1", "²" or "abc")."""
    return text.isascii() and text.isdigit() and int(text) >= 1


class Pagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` take whole numbers from 1 (`page=last` too; empty is not
    given); anything else is refused with 400 naming the parameter, where DRF's own answers
    404 for a page it cannot read and the first 50 records for a page size it cannot. A page
    past the end is 404; a page size above the most is the most."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_size_query_description = f"Records a page, 1 to {max_page_size} (default {page_size})."

    def _refuse_unless_whole(self, request, name: str, also: tuple[str, ...] = ()) -> None:
        value = request.query_params.get(name)
        if value in (None, "") or value in also:
            return
        if not _whole_number(value):
            raise exceptions.ValidationError(
                {name: [f"Enter a whole number from 1, not '{value[:50]}'."]}
            )

    def get_page_size(self, request):
        self._refuse_unless_whole(request, self.page_size_query_param)
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        self._refuse_unless_whole(request, self.page_query_param, tuple(self.last_page_strings))
        return super().get_page_number(request, paginator)


# Fields -----------------------------------------------------------------------------------


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key chosen among the objects the requesting user may see.

    `scope(user)` returns those objects; anything else is refused as if it did not exist.
    With `hide_unseen`, a related object the reader may not see (a link another may see:
    an opportunity's private lesson) is answered as null, so not even its id is told.
    """

    def __init__(self, scope=None, hide_unseen: bool = False, **kwargs):
        self.scope = scope
        self.hide_unseen = hide_unseen
        super().__init__(**kwargs)

    def to_representation(self, value):
        if self.hide_unseen and not self._may_see(value.pk):
            return None
        return super().to_representation(value)

    def _may_see(self, pk) -> bool:
        """Whether the reader may see the object (the ids they may see are read once per
        request and field); with no reader to ask about, yes."""
        request = self.context.get("request")
        if self.scope is None or request is None:
            return True
        seen = request.__dict__.setdefault("_realise_seen_related", {})
        key = (self.field_name, self.parent.__class__)
        if key not in seen:
            seen[key] = set(self.scope(request.user).values_list("pk", flat=True))
        return pk in seen[key]

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if self.scope is not None and request is not None:
            return self.scoped(request.user)
        return queryset

    def scoped(self, user):
        """The objects `user` may give here."""
        return self.scope(user)


class ChosenRelatedField(VisibleRelatedField):
    """A primary key chosen among the objects the requesting user may choose, by a rule
    that keeps what the record being changed already holds: `scope(user, keeping=[ids])`,
    such as `Person.objects.choosable_by`, the rule of the forms' choices of a person. An
    update that leaves a stored choice in place is taken whoever sends it; any other object
    outside the rule is refused as if it did not exist.

    `DomainSerializer` gives one to every relation to a model whose manager has
    `choosable_by`, so a serializer that names a person needs to say nothing more."""

    def scoped(self, user):
        return self.scope(user, keeping=self.kept())

    def kept(self) -> list:
        """The ids the record being changed holds in this field (none when creating)."""
        field = self.parent if isinstance(self.parent, serializers.ManyRelatedField) else self
        instance = getattr(field.parent, "instance", None)
        if instance is None or isinstance(instance, list | QuerySet) or not field.source:
            return []
        stored = _model_field(type(instance), field.source)
        if stored is None or not stored.is_relation:
            return []
        if stored.many_to_many:
            return list(getattr(instance, stored.name).values_list("pk", flat=True))
        return [getattr(instance, stored.attname, None)]


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-04"}
)
class MonthField(serializers.Field):
    """A calendar month as `YYYY-MM` (stored as its first day)."""

    default_error_messages = {"invalid": "Enter a month as YYYY-MM, for example 2026-10."}
    pattern = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-01)?$")

    def to_internal_value(self, data):
        match = self.pattern.match(str(data).strip()) if isinstance(data, str) else None
        if not match:
            self.fail("invalid")
        try:
            period = datetime.date(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            self.fail("invalid")
        problem = inputs.month_problem(period)
        if problem:
            raise serializers.ValidationError(problem, code="out_of_range")
        return period

    def to_representation(self, value):
        return value.strftime("%Y-%m")


class AmountField(serializers.DecimalField):
    """A decimal number written with the digits 0 to 9 (other digits are refused, not read)."""

    def to_internal_value(self, data):
        problem = inputs.number_problem(data)
        if problem:
            raise serializers.ValidationError(problem, code="invalid")
        return super().to_internal_value(data)


# Serializers ----------------------------------------------------------------------------------


class YesNoParameter(serializers.BooleanField):
    """A yes-or-no query parameter taking the words the API's filters take
    (`inputs.YES_NO_WORDS`: true or false, 1 or 0), so that one word means the same on
    every path; anything else is refused with "Give true or false."."""

    default_error_messages = {"invalid": "Give true or false."}

    def to_internal_value(self, data):
        if data in ("", None) and self.allow_null:
            return None
        found = inputs.yes_or_no(data)
        if found is None:
            self.fail("invalid", input=data)
        return found


class QueryParameters(serializers.Serializer):
    """Query parameters read by a serializer's fields, where a parameter it does not know,
    or one given twice (but those in `REPEATABLE`), is refused naming it rather than left
    out of the answer unsaid. `format` is the API's own; `UNKNOWN` says what a parameter is
    not ("Not a filter of the figures")."""

    REPEATABLE: tuple[str, ...] = ()
    API_PARAMETERS = ("format",)
    UNKNOWN = "Not a parameter"

    @classmethod
    def parameter_errors(cls, params) -> dict[str, list[str]]:
        """{parameter: [why]} for each parameter that cannot be taken as given."""
        known = [*cls().fields, *cls.API_PARAMETERS]
        errors: dict[str, list[str]] = {}
        for name in params:
            if name not in known:
                errors[name] = [f"{cls.UNKNOWN}; use {', '.join(known[:-1])}."]
            elif name not in cls.REPEATABLE and len(params.getlist(name)) > 1:
                errors[name] = ["Give it once."]
        return errors


def _errors_of(error: DjangoValidationError) -> dict | list:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"non_field_errors": error.messages}


# Each DomainSerializer class's fields as ModelSerializer builds them (`_model_fields`).
_BUILT_FIELDS: dict[type, dict] = {}


class DomainSerializer(serializers.ModelSerializer):
    """Runs the model's own `clean()` on the object as it would be saved.

    For versioned models the body may carry `version`: the version it was read at.
    A relation to a model whose manager says whom a user may choose (`choosable_by`: people)
    takes only those, as the forms do (`ChosenRelatedField`).
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: AmountField,
    }

    def get_fields(self):
        fields = self._model_fields()
        model = self.Meta.model
        if self.instance is not None and not isinstance(self.instance, list | QuerySet):
            for name in getattr(self.Meta, "create_only_fields", ()):
                fields[name].read_only = True
        if issubclass(model, Versioned):
            fields["version"] = serializers.IntegerField(
                required=False,
                min_value=1,
                help_text="The version this change was based on; a stale one is refused (409).",
            )
        return fields

    def build_relational_field(self, field_name, relation_info):
        field_class, field_kwargs = super().build_relational_field(field_name, relation_info)
        manager = relation_info.related_model._default_manager
        if field_class is self.serializer_related_field and hasattr(manager, "choosable_by"):
            field_class = ChosenRelatedField
            field_kwargs["scope"] = _choosable(relation_info.related_model)
        return field_class, field_kwargs

    def _model_fields(self) -> dict:
        """ModelSerializer's fields for this class, worked out from the model once per process
        and copied for each serializer, as DRF copies the fields a class declares (working
        them out costs several times the copy, on every request)."""
        cls = type(self)
        built = _BUILT_FIELDS.get(cls)
        if built is None:
            built = _BUILT_FIELDS[cls] = super().get_fields()
        return copy.deepcopy(built)

    def to_internal_value(self, data):
        """A field fixed at creation (e.g. a benefit's initiative) refuses a different value."""
        if self.instance is not None and hasattr(data, "get"):
            errors = {}
            for name in getattr(self.Meta, "create_only_fields", ()):
                if name in data:
                    current = getattr(self.instance, name, None)
                    field = self.fields[name]
                    shown = None if current is None else field.to_representation(current)
                    if str(data[name]) != str(shown) and not (shown is None and data[name] == ""):
                        errors[name] = ["This cannot be changed once created."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def proposed(self, attrs: dict):
        """The object as it would be after this write (unsaved)."""
        model: type[models.Model] = self.Meta.model
        obj = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            field = _model_field(model, name)
            if field is None or field.many_to_many or field.one_to_many:
                continue
            setattr(obj, name, value)
        return obj

    def validate(self, attrs):
        attrs = super().validate(attrs)
        try:
            self.proposed(attrs).clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors_of(error)) from None
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        return super().create(validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("version", None)
        return super().update(instance, validated_data)


def _choosable(model) -> Callable:
    """`model`'s rule of whom a user may choose, as a `ChosenRelatedField` asks it."""

    def scope(user, keeping=()):
        return model._default_manager.choosable_by(user, keeping=keeping)

    return scope


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a serializer-only field
        return None


def read_only_serializer(model_class, field_names: list[str]):
    """A ModelSerializer of `model_class` whose `field_names` are all read only (named
    `<Model>Serializer`, as the schema shows it)."""
    meta = type(
        "Meta",
        (),
        {"model": model_class, "fields": field_names, "read_only_fields": field_names},
    )
    return type(f"{model_class.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


# Views ----------------------------------------------------------------------------------------


def etag(version) -> str:
    return f'"{version}"'


def etag_matches(header: str, version: int | str) -> bool:
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"') == str(version):
            return True
    return False


def is_version(value) -> bool:
    """A version as a body may carry it: a whole number from 1, or its digits as text (not
    true, 1.0 or a list, which would otherwise be answered as a stale version)."""
    if isinstance(value, str):
        return _whole_number(value)
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def conflict(status_code: int, detail: str, version: int | str | None) -> Response:
    return Response(
        {"detail": detail, "version": version},
        status=status_code,
        headers={"ETag": etag(version)},
    )


def rows_version(rows: Sequence[dict]) -> str:
    """The version of a set of rows read and replaced whole (a collaboration's or a benefit's
    force shares), as its ETag carries it: it changes whenever any row is added, removed or
    changed, so a replacement based on an older read is refused."""
    canonical = json.dumps(list(rows), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def rows_version_refusal(request, current: str) -> Response | None:
    """For a set replaced whole: 428 without `If-Match` (when `REALISE_API_REQUIRE_VERSION`
    is on), 412 when it names another version than `current`, else None."""
    header = request.headers.get("If-Match")
    if not header and settings.REALISE_API_REQUIRE_VERSION:
        return conflict(
            status.HTTP_428_PRECONDITION_REQUIRED,
            f'Say which version you are replacing: send `If-Match: "{current}"` (the ETag '
            "of your last read of these rows). Without it a change made since you read them "
            "would be lost.",
            current,
        )
    if header and not etag_matches(header, current):
        return conflict(
            status.HTTP_412_PRECONDITION_FAILED,
            "Someone else changed these since you read them (If-Match does not match).",
            current,
        )
    return None


def rows_response(rows: Sequence[dict]) -> Response:
    """A set of rows with its version as the ETag."""
    return Response(rows, headers={"ETag": etag(rows_version(rows))})


def replace_rows(
    request,
    owner: models.Model,
    read: Callable[[], list[dict]],
    replace: Callable[[], None],
) -> Response:
    """A set of rows read and replaced whole (a `shares/` address): `read()` gives the rows,
    answered with their version as the ETag. On PUT, one replacement runs at a time (the
    owner's row is locked), the `If-Match` version is checked against the rows it replaces
    (`rows_version_refusal`), and `replace()` runs in the same transaction."""
    if request.method == "PUT":
        with transaction.atomic():
            type(owner)._default_manager.select_for_update().filter(pk=owner.pk).first()
            refusal = rows_version_refusal(request, rows_version(read()))
            if refusal is not None:
                return refusal
            replace()
    return rows_response(read())


class DomainReading:
    """What every domain resource does to read: sign-in, rules, scoped querysets, lookup by
    id or slug, and the version as an ETag.

    Subclasses set `serializer_class` and `scope(user)` (the objects the user may see).
    """

    authentication_classes: Sequence[type[BaseAuthentication]] = [
        TokenOnce,
        SessionAuthentication,
    ]
    permission_classes: Sequence[_PermissionClass] = [RulesPermission]
    pagination_class: type[BasePagination] | None = Pagination
    parser_classes: Sequence[type[BaseParser]] = [JSONParser]
    read_actions: tuple[str, ...] = ()
    change_actions: tuple[str, ...] = ()

    def scope(self, user):  # pragma: no cover - every resource overrides it
        raise NotImplementedError

    def get_queryset(self):
        return self.scope(self.request.user)

    @property
    def model(self):
        return self.get_serializer_class().Meta.model

    @property
    def versioned(self) -> bool:
        return issubclass(self.model, Versioned)

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        lookup = self.lookup_for(value)
        try:
            obj = queryset.get(**lookup)
        except (self.model.DoesNotExist, ValueError, DjangoValidationError):
            raise exceptions.NotFound() from None
        except self.model.MultipleObjectsReturned:
            obj = queryset.filter(**lookup).first()
        self.check_object_permissions(self.request, obj)
        return obj

    def lookup_for(self, value: str) -> dict:
        """The object named in the address: by id, or by slug where the model has one."""
        if value.isdigit():
            return {"pk": int(value)}
        if _model_field(self.model, "slug") is not None and SLUG.match(value):
            return {"slug": value}
        raise exceptions.NotFound()

    # read -------------------------------------------------------------------------------
    def _etag(self, instance) -> dict:
        if instance is not None and self.versioned and getattr(instance, "version", None):
            return {"ETag": etag(instance.version)}
        return {}

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance)
        record_if_inspected(request.user, instance, request.get_full_path(), via="api")
        return Response(serializer.data, headers=self._etag(instance))


class ReadOnlyDomainViewSet(DomainReading, viewsets.ReadOnlyModelViewSet):
    """A domain resource read through the API (list and retrieve); writes, where there are
    any, are extra actions that call the app's services."""


class DomainViewSet(DomainReading, viewsets.ModelViewSet):
    """A domain resource: rules for every method, scoped querysets, versions, history user."""

    # create -----------------------------------------------------------------------------
    def check_create(self, serializer) -> None:
        """The add rule, with the unsaved object as it would be created."""
        candidate = serializer.proposed(serializer.validated_data)
        if not self.request.user.has_perm(perm_name(self.model, "add"), candidate):
            raise exceptions.PermissionDenied("You may not create this here.")

    def perform_create(self, serializer):
        self.check_create(serializer)
        with transaction.atomic():
            instance = serializer.save()
        return instance

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(
            serializer.data, status=status.HTTP_201_CREATED, headers=self._etag(serializer.instance)
        )

    # update -----------------------------------------------------------------------------
    def version_refusal(self, request, instance) -> Response | None:
        """412 for a stale If-Match, 409 for a stale `version` in the body, 428 for neither
        (when `REALISE_API_REQUIRE_VERSION` is on)."""
        if not self.versioned:
            return None
        current = instance.version
        header = request.headers.get("If-Match")
        body = request.data.get("version") if hasattr(request.data, "get") else None
        if not header and body in (None, "") and settings.REALISE_API_REQUIRE_VERSION:
            return conflict(
                status.HTTP_428_PRECONDITION_REQUIRED,
                f'Say which version you are changing: send `If-Match: "{current}"` (the '
                f'ETag you read) or `"version": {current}` in the body. Without it a change '
                "made since you read the record would be lost.",
                current,
            )
        if body not in (None, "") and not is_version(body):
            raise exceptions.ValidationError(
                {"version": [f"Give the version you read as a whole number, e.g. {current}."]}
            )
        if header and not etag_matches(header, current):
            return conflict(
                status.HTTP_412_PRECONDITION_FAILED,
                "Someone else changed this since you read it (If-Match does not match).",
                current,
            )
        if body not in (None, "") and str(body) != str(current):
            return conflict(
                status.HTTP_409_CONFLICT,
                "Someone else changed this since you read it (the version is stale).",
                current,
            )
        return None

    def check_update(self, serializer) -> None:
        """The change rule again, on the object as it would be after the change."""
        candidate = serializer.proposed(serializer.validated_data)
        if not self.request.user.has_perm(perm_name(self.model, "change"), candidate):
            raise exceptions.PermissionDenied("You may not make this change.")

    def perform_update(self, serializer):
        self.check_update(serializer)
        set_history_user(serializer.instance, self.request.user)
        serializer.save()

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        refusal = self.version_refusal(request, instance)
        if refusal is not None:
            return refusal
        if self.versioned:
            instance.expected_version = instance.version
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                self.perform_update(serializer)
        except StaleVersion as stale:
            return conflict(
                status.HTTP_409_CONFLICT,
                "Someone else changed this while your change was being saved.",
                stale.current,
            )
        instance = serializer.instance
        if getattr(instance, "_prefetched_objects_cache", None):
            instance._prefetched_objects_cache = {}
        return Response(serializer.data, headers=self._etag(instance))

    # delete -----------------------------------------------------------------------------
    def perform_destroy(self, instance):
        set_history_user(instance, self.request.user)
        instance.delete()

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        refusal = self.version_refusal(request, instance)
        if refusal is not None:
            return refusal
        try:
            with transaction.atomic():
                self.perform_destroy(instance)
        except (ProtectedError, RestrictedError) as error:
            used_by = getattr(error, "protected_objects", None) or getattr(
                error, "restricted_objects", ()
            )
            names = sorted({str(obj._meta.verbose_name_plural) for obj in used_by})
            detail = "It is still in use" + (f" by {', '.join(names)}" if names else "")
            return Response({"detail": f"{detail}; remove those first."}, status=409)
        return Response(status=status.HTTP_204_NO_CONTENT)


def service_errors(error: DjangoValidationError | DjangoPermissionDenied):
    """A service's refusal as the API's: 403 for permission, 400 with field errors."""
    if isinstance(error, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(error) or None)
    return serializers.ValidationError(_errors_of(error))


def error_list(detail, index: int | None = None) -> list[dict]:
    """Flatten DRF error details to `[{"index", "field", "message"}]`."""
    out: list[dict] = []

    def walk(value, field):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, None if key in ("non_field_errors", "__all__") else key)
        elif isinstance(value, list):
            for item in value:
                walk(item, field)
        else:
            out.append({"index": index, "field": field, "message": str(value)})

    walk(
        detail if not isinstance(detail, DjangoValidationError) else get_error_detail(detail), None
    )
    return out


# The schema ---------------------------------------------------------------------------------

_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
_CONFLICT = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "version": {"type": "integer"}},
    "required": ["detail"],
}
_VERSION_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "version": {"type": "integer"}},
    "required": ["detail", "version"],
}
_ROWS_VERSION_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "version": {"type": "string"}},
    "required": ["detail", "version"],
}
# The refusals of a set replaced whole (`rows_version_refusal`): its version is a digest.
ROWS_VERSION_RESPONSES = {
    412: OpenApiResponse(
        _ROWS_VERSION_ERROR,
        description="`If-Match` does not match the set's current version (ETag).",
    ),
    428: OpenApiResponse(
        _ROWS_VERSION_ERROR,
        description="No `If-Match` was sent: say which version of the set you are replacing "
        "(`version` is the current one).",
    ),
}


def bad_request(request, exception=None):
    """400 for the whole site (a body too large, a malformed request): JSON under /api/, the
    usual page elsewhere."""
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            detail = f"The request body is larger than the {limit:,} bytes accepted."
        else:
            detail = "The request is not valid."
        return JsonResponse({"detail": detail}, status=400)
    return django_bad_request(request, exception)


def not_found(request, exception=None):
    """404 for the whole site: JSON under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def add_error_responses(result, generator, request, public):
    """Document the refusals every operation can give (so clients and fuzzers expect them)."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            errors = {
                "400": "The request is not valid (the body names each problem).",
                "401": "Not signed in: send `Authorization: Token <key>` or a session cookie.",
                "403": "Signed in, but not allowed to do this.",
            }
            errors["404"] = (
                "Not found, or not visible to you." if "{" in path else "No such page of results."
            )
            if method == "delete":
                errors["409"] = "Still in use, or the version is stale."
            for code, text in errors.items():
                responses.setdefault(
                    code,
                    {"description": text, "content": {"application/json": {"schema": _ERROR}}},
                )
            if method in {"put", "patch", "delete"} and "{" in path:
                responses["409"] = {
                    "description": "The `version` in the body is stale, or a concurrent write "
                    "won (`version` is the current one); for a delete, the record is still "
                    "in use.",
                    "content": {"application/json": {"schema": _CONFLICT}},
                }
                # An operation that declared its own (a set replaced whole) keeps them.
                responses.setdefault(
                    "412",
                    {
                        "description": "`If-Match` does not match the current version (ETag).",
                        "content": {"application/json": {"schema": _VERSION_ERROR}},
                    },
                )
                responses.setdefault(
                    "428",
                    {
                        "description": "Neither `If-Match` nor `version` was sent: say which "
                        "version you are changing (`version` is the current one).",
                        "content": {"application/json": {"schema": _VERSION_ERROR}},
                    },
                )
    return result
