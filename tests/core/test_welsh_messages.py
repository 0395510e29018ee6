"""Welsh beyond the templates: Python strings people read are marked (`check_translations`),
emails and notifications go out in the recipient's language, and English outputs keep
English words when asked for from a Welsh page."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from realise.appraisal import services as appraisal
from realise.core import translations
from realise.core.models import UserPreference
from realise.governance.models import Action, Decision, Notification
from realise.governance.reminders import send_reminders
from realise.organisations.services import invite
from tests.factories import member

D = datetime.date


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


# The check ------------------------------------------------------------------------------

FLAGGED = """
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models


class Colour(models.TextChoices):
    RED = "red", "Red"


class Thing(models.Model):
    name = models.CharField(max_length=9, help_text="Its name.")

    class Meta:
        verbose_name_plural = "things"


class ThingForm(forms.Form):
    size = forms.ChoiceField(label="Size", choices=[("s", "Small")])

    def clean(self):
        self.add_error("size", f"{self.data['size']} is too big.")
        raise ValidationError({"size": "Choose a size."})


def view(request, thing):
    messages.success(request, f"Saved {thing}.")
    if not thing:
        raise PermissionDenied("You may not see " + str(thing))
    send_mail("[Realise] Hello", "Hello %s" % thing, "from@example.org", ["to@example.org"])


REFUSED = "Not yours."


def check(thing):
    errors = {}
    errors["name"] = "Give a name."
    if errors:
        raise ValidationError(errors)
    raise PermissionDenied(REFUSED)
"""

PASSING = """
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as APIError


class Colour(models.TextChoices):
    RED = "red", gettext_lazy("Red")
    DASH = "-", "–"


class ThingForm(forms.Form):
    size = forms.ChoiceField(label=gettext_lazy("Size"), choices=[("s", gettext_lazy("Small"))])
    marking = forms.ChoiceField(choices=[("OFFICIAL", "OFFICIAL")])

    def clean(self):
        raise ValidationError(ngettext("%(n)s thing", "%(n)s things", 2) % {"n": 2})


def view(request, thing, words):
    messages.success(request, _("Saved %(thing)s.") % {"thing": thing})
    messages.info(request, words)
    raise serializers.ValidationError("API answers stay in English.")


def api_view():
    raise APIError("So do these.")


REFUSED = gettext_lazy("Not yours.")


def check(thing):
    errors = {"name": _("Give a name.")}
    if thing:
        raise ValidationError(errors)
    raise PermissionDenied(REFUSED.format())
"""


def test_the_check_names_each_unmarked_python_string_people_read():
    problems = translations.python_problems_in(FLAGGED, "realise/sample.py")
    found = [
        re.match(r"realise/sample\.py:(\d+): not marked for translation: (.*)$", p)
        for p in problems
    ]
    assert all(found), problems
    assert [(int(m[1]), m[2]) for m in found] == [
        (10, "'Red'"),
        (14, "'Its name.'"),
        (17, "'things'"),
        (21, "'Size'"),
        (21, "'Small'"),
        (24, "'f\"{self.data[\\'size\\']} is too big.\"'"),
        (25, "'Choose a size.'"),
        (29, "\"f'Saved {thing}.'\""),
        (31, "'You may not see '"),
        (32, "'[Realise] Hello'"),
        (32, "'Hello %s'"),
        (35, "'Not yours.'"),
        (40, "'Give a name.'"),
    ]


def test_marked_strings_codes_and_the_api_pass_the_check():
    assert translations.python_problems_in(PASSING, "realise/sample.py") == []


def test_a_meta_s_hints_labels_errors_and_empty_table_text_are_checked():
    source = (
        "class ThingForm(forms.ModelForm):\n"
        "    class Meta:\n"
        '        help_texts = {"slug": "A short name."}\n'
        '        labels = {"name": gettext_lazy("Name")}\n'
        '        error_messages = {"name": {"required": "Give a name."}}\n'
        "\n"
        "class ThingTable(tables.Table):\n"
        "    class Meta:\n"
        '        empty_text = "Nothing yet."\n'
        '        order_by = "name"\n'
    )
    assert translations.python_problems_in(source, "realise/sample.py") == [
        "realise/sample.py:3: not marked for translation: 'A short name.'",
        "realise/sample.py:5: not marked for translation: 'Give a name.'",
        "realise/sample.py:9: not marked for translation: 'Nothing yet.'",
    ]


def test_the_api_modules_are_left_out_and_the_rest_of_realise_is_marked():
    names = {path.name for path in translations.python_files()}
    assert "api.py" not in names and "serializers.py" not in names
    assert "services.py" in names and "forms.py" in names
    assert not any("migrations" in path.parts for path in translations.python_files())
    assert translations.python_problems() == []


# Emails and notifications in the recipient's language --------------------------------------


def prefer(user, code):
    UserPreference.objects.update_or_create(user=user, defaults={"language": code})


def test_a_reminder_is_sent_in_each_recipients_language_not_the_senders(world):
    prefer(world.erin, "cy")  # Erin reads Realise in Welsh; Alice stored no choice
    decision = Decision.objects.create(
        body=world.board, decided_on=D(2026, 4, 1), text="Merge vetting"
    )
    Action.objects.create(
        decision=decision, text="Draft the plan", owner=world.erin_person, due_on=D(2026, 5, 1)
    )
    Action.objects.create(decision=decision, text="Brief staff", due_on=D(2026, 5, 4))
    with translation.override("cy"):  # whoever runs it reads Welsh: no matter
        send_reminders(D(2026, 5, 15))

    welsh = next(m for m in mail.outbox if m.to == ["erin@example.org"])
    assert welsh.subject == "[Realise] Cam gweithredu yn hwyr: Draft the plan (EK Programme Board)"
    assert welsh.body.startswith(
        "Roedd y cam gweithredu 'Draft the plan' o benderfyniad EK Programme Board ar "
        "1 Ebrill 2026 yn ddyledus ar 1 Mai 2026."
    )
    assert "Eich hysbysiadau: " in welsh.body
    english = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert english.subject == "[Realise] Action overdue: Brief staff (EK Programme Board)"
    assert english.body.startswith(
        "The action 'Brief staff' from EK Programme Board's decision of 1 April 2026 was due "
        "on 4 May 2026.\n"
    )
    assert "You receive this reminder from Realise because you are named" in english.body
    notes = dict(Notification.objects.values_list("user__username", "text"))
    assert notes["erin"] == "Cam gweithredu yn hwyr: Draft the plan (EK Programme Board)"
    assert notes["alice"] == "Action overdue: Brief staff (EK Programme Board)"


def test_a_password_reset_email_is_in_the_language_the_account_remembers(world):
    prefer(world.dave, "cy")
    Client().post("/accounts/password-reset/", {"email": "dave@example.org"})
    (welsh,) = mail.outbox
    assert welsh.subject == "[Realise] Ailosod eich cyfrinair"
    assert "I ddewis cyfrinair newydd, agorwch y ddolen hon (mae’n gweithio unwaith):" in welsh.body
    assert "To choose a new password" not in welsh.body

    # Asked for from a Welsh page for someone who stored no language: English.
    mail.outbox.clear()
    visitor = Client()
    visitor.post("/language/", {"language": "cy", "next": "/"})
    visitor.post("/accounts/password-reset/", {"email": "alice@example.org"})
    (english,) = mail.outbox
    assert english.subject == "[Realise] Reset your password"
    assert "To choose a new password, open this link (it works once):" in english.body


def test_an_invitation_is_in_english_whatever_the_language_of_whoever_sends_it(world):
    ada = member("ada", "Essex", "administrator")
    prefer(ada, "cy")
    force = world.carol.memberships.get().force
    with translation.override("cy"):
        invite(email="sam@kent.police.example", role="viewer", force=force, by=ada)
    (message,) = mail.outbox
    assert message.subject == "[Realise] You are invited to Realise"
    assert "has invited you to Realise, where police collaborations track" in message.body
    assert "Your user name is sam." in message.body


# English outputs from a Welsh page ---------------------------------------------------------


def test_the_optimism_bias_summary_is_welsh_on_the_page_and_english_in_the_workbook(client, world):
    baseline = appraisal.business_as_usual(world.initiative)
    appraisal.save_option(world.initiative, user=world.alice, option=baseline, first_year=2025)
    option = appraisal.save_option(
        world.initiative,
        user=world.alice,
        name="Shared unit",
        first_year=2025,
        optimism_bias_capex="0.1",
    )
    appraisal.save_cost_line(
        option, user=world.alice, name="Build", kind="capex", values={2025: Decimal("3000")}
    )
    assert option.optimism_bias_labels() == ["Capital expenditure: 10%"]
    with translation.override("cy"):
        assert option.optimism_bias_labels() == ["Gwariant cyfalaf: 10%"]

    client.force_login(world.alice)
    client.post("/language/", {"language": "cy", "next": "/"})
    url = f"/initiatives/{world.initiative.slug}/economic-case/"
    assert "Gwariant cyfalaf: 10%" in client.get(f"{url}options/{option.pk}/").content.decode()
    workbook = load_workbook(io.BytesIO(client.get(f"{url}economic-case.xlsx").content))
    summary = workbook["Shared unit"].cell(row=2, column=1).value
    assert "optimism bias Capital expenditure: 10%." in summary
    assert "Gwariant" not in summary


def test_a_model_field_s_own_name_a_link_s_text_and_text_filled_in_at_import_are_checked():
    source = (
        "class Lesson(models.Model):\n"
        '    what_to_avoid = models.TextField("what to avoid", blank=True)\n'
        '    author = models.ForeignKey("organisations.Person", on_delete=models.PROTECT)\n'
        '    theme = models.CharField(_("theme"), max_length=20)\n'
        "\n"
        "def links():\n"
        '    return [{"url": "/quality/", "text": "Data quality"}, {"url": "/x/", "slug": "x"}]\n'
        "\n"
        "class UploadForm(forms.Form):\n"
        '    file = forms.FileField(help_text=_("At most %(size)s.") % {"size": SIZE})\n'
        "\n"
        "def later(size):\n"
        '    return _("At most %(size)s.") % {"size": size}\n'
    )
    assert translations.python_problems_in(source, "realise/sample.py") == [
        "realise/sample.py:10: translated text filled in when the module is imported (it stays "
        "in English): use format_lazy or fill it in where it is shown",
        "realise/sample.py:2: not marked for translation: 'what to avoid'",
        "realise/sample.py:7: not marked for translation: 'Data quality'",
    ]
