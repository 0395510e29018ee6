"""Error pages that explain themselves: 403 (what was refused, and who can grant access),
404 and 500, in the site's GOV.UK style.

Pages refuse with `Refused` (a PermissionDenied that carries the object asked about); the
403 page then names the collaboration's programme team when the reader may see the
collaboration, and says who grants access in general when they may not. Services' own
refusals ("You may not change the plan of ...") are shown as they are written; the page
words a refusal itself, in the reader's language, from the permission refused and the
names each app gives its records (`register_nouns`).

The 500 page is rendered from the template alone, without the database or the request's
context processors, so that it still renders when the database is what failed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from realise.core.language import english, lazy_format
from realise.core.permissions import collaboration_of as direct_collaboration
from realise.core.permissions import may_view
from realise.core.types import StrOrPromise

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


# What the 403 page says was refused, by the verb of the permission (`app.verb_model`) and
# what it was asked about, as whole sentences so that each language words them its own way:
# `all` with no record (%(nouns)s: "initiatives"), `this` for a record not yet saved or not
# to be named, `named` for the record itself (%(noun)s, %(name)s), and for a record within
# another (adding a meeting to a body, changing a body's members): `here` not to be named,
# `within` named (%(a_noun)s: "a meeting").
REFUSALS: dict[str, dict[str, StrOrPromise]] = {
    "add": {
        "all": _("You may not add %(nouns)s."),
        "this": _("You may not add this %(noun)s."),
        "named": _("You may not add the %(noun)s ‘%(name)s’."),
        "here": _("You may not add %(a_noun)s here."),
        "within": _("You may not add %(a_noun)s to ‘%(name)s’."),
    },
    "change": {
        "all": _("You may not change %(nouns)s."),
        "this": _("You may not change this %(noun)s."),
        "named": _("You may not change the %(noun)s ‘%(name)s’."),
        "here": _("You may not change %(a_noun)s here."),
        "within": _("You may not change the %(noun)s of ‘%(name)s’."),
    },
    "delete": {
        "all": _("You may not delete %(nouns)s."),
        "this": _("You may not delete this %(noun)s."),
        "named": _("You may not delete the %(noun)s ‘%(name)s’."),
        "here": _("You may not delete %(a_noun)s here."),
        "within": _("You may not delete the %(noun)s of ‘%(name)s’."),
    },
    "view": {
        "all": _("You may not see %(nouns)s."),
        "this": _("You may not see this %(noun)s."),
        "named": _("You may not see the %(noun)s ‘%(name)s’."),
        "here": _("You may not see %(a_noun)s here."),
        "within": _("You may not see the %(noun)s of ‘%(name)s’."),
    },
    "close": {
        "all": _("You may not close %(nouns)s."),
        "this": _("You may not close this %(noun)s."),
        "named": _("You may not close the %(noun)s ‘%(name)s’."),
        "here": _("You may not close %(a_noun)s here."),
        "within": _("You may not close the %(noun)s of ‘%(name)s’."),
    },
}
# "a meeting", "an initiative": English chooses by the noun's first letter; Welsh has no
# indefinite article.
A_NOUN = _("a %(noun)s")
AN_NOUN = _("an %(noun)s")

# model name -> (noun, plural): what each app calls its records, in the reader's language
# (each app registers its own from its rules.py; the English is the model's verbose name).
_nouns: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "auditrecord": (_("audit record"), _("audit records")),  # core's own
}


def register_nouns(nouns: dict[str, tuple[StrOrPromise, StrOrPromise]]) -> None:
    """Name an app's records for the 403 page: {model name: (noun, plural)}, as lazy
    translations, e.g. {"initiative": (gettext_lazy("initiative"), gettext_lazy("initiatives"))}."""
    _nouns.update(nouns)


def nouns_of(model_name: str, model=None) -> tuple[StrOrPromise, StrOrPromise]:
    """What a record is called, singular and plural: as its app registered it, else the
    model's verbose names (or the model name from the permission's codename)."""
    if model_name in _nouns:
        return _nouns[model_name]
    if model is not None:
        return model._meta.verbose_name, model._meta.verbose_name_plural
    noun = model_name.replace("_", " ")
    return noun, f"{noun}s"


def describe(permission: str, obj, named: bool = True) -> StrOrPromise:
    """What a permission refused, in words, in the reader's language: "You may not change
    the initiative 'Joint vetting'.", "You may not add a meeting to 'EK Programme Board'.";
    without the object's name unless `named`. A verb it has no words for gets the page's
    general refusal."""
    app_label, _dot, codename = permission.partition(".")
    verb, _underscore, model_name = codename.partition("_")
    model: type[Model] | None
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:  # a permission of one app about another's records (close_initiative)
        model = next((m for m in apps.get_models() if m._meta.model_name == model_name), None)
    sentences = REFUSALS.get(verb)
    if sentences is None:
        return _("You do not have permission to do this.")
    noun, nouns = nouns_of(model_name, model)
    article = AN_NOUN if english(noun)[:1] in "aeiou" else A_NOUN
    a_noun = lazy_format(article, noun=noun)
    if obj is None:
        form = "all"
    elif model is not None and isinstance(obj, model):
        form = "this" if obj.pk is None or not named else "named"
    else:
        form = "within" if named else "here"
    return lazy_format(
        sentences[form], noun=noun, nouns=nouns, a_noun=a_noun, name="" if obj is None else obj
    )


def collaboration_of(obj):
    """The collaboration a record belongs to, following its parents a few steps (a
    collaboration belongs to itself: see `core.permissions.register_collaboration_path`)."""
    node = obj
    for _step in range(6):
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
