"""Error pages that explain themselves: 403 (what was refused, and who can grant access),
404 and 500, in the site's GOV.UK style.

Pages refuse with `Refused` (a PermissionDenied that carries the object asked about); the
403 page then names the collaboration's programme team when the reader may see the
collaboration, and says who grants access in general when they may not. Services' own
refusals ("You may not change the plan of ...") are shown as they are written.

The 500 page is rendered from the template alone, without the database or the request's
context processors, so that it still renders when the database is what failed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext

from realise.core.permissions import collaboration_of as direct_collaboration
from realise.core.permissions import may_view

logger = logging.getLogger(__name__)

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
# Relations followed to find the collaboration a record belongs to.
PARENTS = ("collaboration", "initiative", "benefit", "body", "decision", "option", "line")


class Refused(PermissionDenied):
    """A refusal that knows the permission refused and the object asked about, for the 403
    page (which names the object only to someone who may see it)."""

    def __init__(self, message: str = "", obj=None, permission: str = ""):
        super().__init__(message)
        self.obj = obj
        self.permission = permission


VERBS = {"add": "add", "change": "change", "delete": "delete", "view": "see"}


def describe(permission: str, obj, named: bool = True) -> str:
    """What a permission refused, in words: "You may not change the initiative 'Joint
    vetting'.", "You may not add a meeting to 'EK Programme Board'."; without the object's
    name unless `named`."""
    app_label, _, codename = permission.partition(".")
    verb, _, model_name = codename.partition("_")
    try:
        model = apps.get_model(app_label, model_name)
        noun = str(model._meta.verbose_name)
    except LookupError:
        model, noun = None, model_name.replace("_", " ")
    doing = VERBS.get(verb, verb)
    if obj is None:
        plural = str(model._meta.verbose_name_plural) if model else f"{noun}s"
        return f"You may not {doing} {plural}."
    if model is not None and isinstance(obj, model):
        if obj.pk is None or not named:
            return f"You may not {doing} this {noun}."
        return f"You may not {doing} the {noun} ‘{obj}’."
    article = "an" if noun[:1] in "aeiou" else "a"
    if not named:
        return f"You may not {doing} {article} {noun} here."
    if verb == "add":
        return f"You may not add {article} {noun} to ‘{obj}’."
    return f"You may not {doing} the {noun} of ‘{obj}’."


def collaboration_of(obj):
    """The collaboration a record belongs to, following its parents a few steps (a
    collaboration belongs to itself: see `core.permissions.register_collaboration_path`)."""
    node = obj
    for _ in range(6):
        if node is None:
            return None
        found = direct_collaboration(node)
        if found is not None:
            return found
        node = next((getattr(node, name) for name in PARENTS if hasattr(node, name)), None)
    return None


# collaboration -> the names of the people who manage access to it (the collaborations app
# registers it, from the memberships).
_programme_team: dict[str, Callable[..., list[str]]] = {}


def register_programme_team(names_of: Callable[..., list[str]]) -> None:
    """Name how the programme team of a collaboration is found, for the 403 page."""
    _programme_team["names_of"] = names_of


def programme_team(collaboration) -> list[str]:
    """The names of the people who manage access to a collaboration, sorted."""
    found = _programme_team.get("names_of")
    return found(collaboration) if found is not None else []


def permission_denied(request, exception=None):
    """The 403 page: what was refused and who can grant access."""
    obj = getattr(exception, "obj", None)
    collaboration = collaboration_of(obj) if obj is not None else None
    visible = collaboration is not None and may_view(request.user, collaboration)
    message = str(exception or "").strip()
    if not message and getattr(exception, "permission", ""):
        message = describe(exception.permission, obj, named=visible)
    context = {
        "message": message or gettext("You do not have permission to do this."),
        "collaboration": collaboration if visible else None,
        "team": programme_team(collaboration) if visible else [],
    }
    template = loader.get_template("403.html")
    return HttpResponseForbidden(template.render(context, request))


def request_id_of(request) -> str:
    value = getattr(request, "request_id", None) or request.META.get("HTTP_X_REQUEST_ID", "")
    value = str(value or "")
    return value if REQUEST_ID.match(value) else ""


def server_error(request, template_name="500.html"):
    """The 500 page, from the template alone: no database, no context processors."""
    request_id = request_id_of(request)
    try:
        body = loader.get_template(template_name).render({"request_id": request_id})
    except Exception:  # noqa: BLE001 - the error page must not fail in its turn
        logger.exception("The 500 page could not be rendered")
        body = (
            "<!DOCTYPE html><html lang='en-GB'><title>Sorry, there is a problem with the "
            "service – Realise</title><h1>Sorry, there is a problem with the service</h1>"
            "<p>Try again later.</p>"
            + (f"<p>Request ID: {request_id}</p>" if request_id else "")
            + "</html>"
        )
    return HttpResponseServerError(body)
