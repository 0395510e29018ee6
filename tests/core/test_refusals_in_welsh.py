"""The 403 page's own sentence in Welsh (#20): what was refused is worded in the reader's
language from the permission and the names each app gives its records; English reads as
before."""

import pytest
import rules
from django.apps import apps
from django.test import RequestFactory
from django.utils import translation

from realise.core import errors
from realise.core.errors import describe, permission_denied


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_refusal_page_says_what_was_refused_in_welsh(client, world):
    client.force_login(world.dave)  # a viewer: sees the collaboration, changes nothing
    client.post("/language/", {"language": "cy", "next": "/"})
    response = client.get("/collaborations/ek/edit/")
    assert response.status_code == 403
    page = text(response)
    assert "Ni chewch newid ‘Essex and Kent Serious Crime’ (cydweithrediad)." in page
    assert "You may not" not in page
    assert "Nid oes gennych ganiatâd i wneud hyn" in page


@pytest.mark.parametrize(
    ("permission", "target", "named", "english", "cymraeg"),
    [
        (
            "collaborations.change_collaboration",
            "collab",
            True,
            "You may not change the collaboration ‘Essex and Kent Serious Crime’.",
            "Ni chewch newid ‘Essex and Kent Serious Crime’ (cydweithrediad).",
        ),
        (
            "governance.add_meeting",
            "board",
            True,
            "You may not add a meeting to ‘EK Programme Board’.",
            "Ni chewch ychwanegu cyfarfod at ‘EK Programme Board’.",
        ),
        (
            "collaborations.add_initiative",
            "collab",
            False,
            "You may not add an initiative here.",
            "Ni chewch ychwanegu menter yma.",
        ),
        (
            "benefits.change_benefitsmap",
            "initiative",
            True,
            "You may not change the benefits map of ‘Joint vetting’.",
            "Ni chewch newid map buddion ‘Joint vetting’.",
        ),
        (
            "documents.close_initiative",
            "initiative",
            True,
            "You may not close the initiative ‘Joint vetting’.",
            "Ni chewch gau ‘Joint vetting’ (menter).",
        ),
        (
            "benefits.change_benefit",
            "benefit",
            False,
            "You may not change this benefit.",
            "Ni chewch newid y cofnod hwn (budd).",
        ),
        (
            "pipeline.add_opportunity",
            None,
            True,
            "You may not add opportunities.",
            "Ni chewch ychwanegu cyfleoedd.",
        ),
    ],
)
def test_each_refusal_in_both_languages(world, permission, target, named, english, cymraeg):
    obj = getattr(world, target) if target else None
    sentence = describe(permission, obj, named=named)
    with translation.override("en-gb"):
        assert str(sentence) == english
    with translation.override("cy"):
        assert str(sentence) == cymraeg


def test_a_refusal_from_the_page_keeps_its_language_when_shown(world):
    request = RequestFactory().get("/")
    request.user = world.dave
    refusal = errors.Refused(obj=world.initiative, permission="collaborations.change_initiative")
    with translation.override("cy"):
        page = text(permission_denied(request, refusal))
    assert "Ni chewch newid ‘Joint vetting’ (menter)." in page


def test_every_record_a_permission_is_about_has_a_name_in_both_languages():
    """So a new model's permission cannot leave an English noun on a Welsh 403 page."""
    for permission in rules.permissions.permissions:
        app_label, _dot, codename = permission.partition(".")
        verb, _underscore, model_name = codename.partition("_")
        if verb not in errors.REFUSALS:
            continue
        assert model_name in errors._nouns, permission
        noun, nouns = errors.nouns_of(model_name)
        model = next((m for m in apps.get_models() if m._meta.model_name == model_name), None)
        if model is None:  # the benefits map is drawn, not kept: no model, no verbose name
            continue
        with translation.override("en-gb"):
            assert (str(noun), str(nouns)) == (
                str(model._meta.verbose_name),
                str(model._meta.verbose_name_plural),
            ), permission
