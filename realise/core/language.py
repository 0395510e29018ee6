"""English or Cymraeg: the choice is the user's preference when signed in, else the session's,
else the browser's Accept-Language (Django's LocaleMiddleware). URLs never change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import translation
from django.utils.functional import lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from realise.core.models import UserPreference
from realise.core.types import StrOrPromise

SESSION_KEY = "realise_language"
ENGLISH = "en-gb"
CODES = {code for code, _name in settings.LANGUAGES}

# The Welsh forces' own names, by ONS police force area code; English forces keep theirs.
WELSH_FORCE_NAMES = {
    "W15000004": "Heddlu Dyfed-Powys",
    "W15000002": "Heddlu Gwent",
    "W15000001": "Heddlu Gogledd Cymru",
    "W15000003": "Heddlu De Cymru",
}

# The same twelve months in Welsh, for code that writes a month itself (not through `date`).
WELSH_MONTHS = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
]


def is_welsh() -> bool:
    return (translation.get_language() or "").startswith("cy")


def force_name(force) -> str:
    """The force's name in the language of the page: 'Heddlu Gwent' in Welsh, 'Gwent' in English."""
    if force is None:
        return ""
    return force_name_by_code(getattr(force, "ons_code", ""), force.name)


def force_name_by_code(ons_code: str, name: str) -> str:
    """`force_name` from a force's ONS code and English name (figures keyed by code)."""
    if is_welsh():
        return WELSH_FORCE_NAMES.get(ons_code, name)
    return name


def month_year(day) -> str:
    """'March 2026' or 'Mawrth 2026', in the language of the page."""
    if day is None:
        return ""
    if is_welsh():
        return f"{WELSH_MONTHS[day.month - 1]} {day.year}"
    return f"{day:%B %Y}"


def financial_year(start_year: int) -> str:
    """'2025/26' labelled: 'financial year 2025/26' or 'blwyddyn ariannol 2025/26'."""
    return _("financial year %(years)s") % {"years": f"{start_year}/{(start_year + 1) % 100:02d}"}


def english(text) -> str:
    """Text in English whatever the language of the page: a lazy label, or a callable such
    as `obj.get_status_display`, for what is stored, read by machines or written into an
    English sentence."""
    with translation.override(ENGLISH):
        return str(text() if callable(text) else text)


def _interpolated(text: StrOrPromise, params: dict[str, Any]) -> str:
    return str(text) % params


_lazy_interpolated = lazy(_interpolated, str)


def lazy_format(text: StrOrPromise, **params: Any) -> StrOrPromise:
    """`text % params`, put together each time it is shown, in the language active then:
    for a sentence made now and read later, on a Welsh page in Welsh and in an English
    output (the API, a command's JSON, what is stored: `english(...)`) in English.
    `text` is a `gettext_lazy(...)` (or `ngettext_lazy`) with `%(name)s` placeholders; a
    parameter that is itself lazy (a choice's label) follows the same language."""
    return _lazy_interpolated(text, params)


def preferred(users) -> dict[int, str]:
    """Each user's remembered language, by user id; English when they stored none. What is
    sent to people (emails, notifications) is written in theirs, not in the language of
    the request or command that sends it."""
    ids = {getattr(user, "pk", user) for user in users if user is not None}
    stored = dict(UserPreference.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return {pk: stored[pk] if stored.get(pk) in CODES else ENGLISH for pk in ids}


def of_user(user) -> str:
    """The user's remembered language (`preferred`), English for no user."""
    if user is None or getattr(user, "pk", None) is None:
        return ENGLISH
    return preferred([user])[user.pk]


def _stored(request) -> str | None:
    session = getattr(request, "session", None)
    code = session.get(SESSION_KEY) if session is not None else None
    return code if code in CODES else None


# What machines read keeps English whatever the reader's language: the API and the open
# data files (the open data page itself, /open-data/, follows the language).
ENGLISH_ONLY_PREFIXES = ("/api/", "/open-data/")


def english_only(path: str) -> bool:
    return path.startswith(ENGLISH_ONLY_PREFIXES) and path != "/open-data/"


class PreferredLanguageMiddleware:
    """A stored choice (copied from the profile at sign-in, or made this session) beats the
    browser's Accept-Language. Reads the session only: no query per request. The API and
    the open data files are always in English (`english_only`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if english_only(request.path_info):
            translation.activate(ENGLISH)
            request.LANGUAGE_CODE = ENGLISH
            return self.get_response(request)
        code = _stored(request)
        if code and code != translation.get_language():
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


def apply_preference(sender, request, user, **kwargs):
    """At sign-in (`user_logged_in`): the user's saved language becomes the session's."""
    code = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    if code in CODES and request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = code


def set_language(request):
    """POST /language/ with `language` and `next`: remember the choice and go back to the page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    code = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if code in CODES:
        request.session[SESSION_KEY] = code
        if request.user.is_authenticated:
            UserPreference.objects.update_or_create(user=request.user, defaults={"language": code})
        translation.activate(code)
    return redirect(target)
