"""The service in Welsh (#20): the choice of language, Welsh pages, force names, months, and
downloads that keep their English names."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from realise.benefits.models import Measurement
from realise.core import translations
from realise.core.language import SESSION_KEY, financial_year, force_name, month_year
from realise.core.models import UserPreference
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    force,
    member,
    share,
)

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
WELSH_MONTHS = "Ionawr Chwefror Mawrth Ebrill Mai Mehefin Gorffennaf Awst Medi Hydref Tachwedd "
WELSH_MONTHS = (WELSH_MONTHS + "Rhagfyr").split()


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def choose(client, language, next_url="/"):
    return client.post("/language/", {"language": language, "next": next_url})


def test_choosing_cymraeg_is_kept_in_the_session_and_the_page_is_welsh(client, db):
    response = choose(client, "cy", "/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.session[SESSION_KEY] == "cy"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="cy"' in page
    assert '<h1 class="govuk-heading-l">Mewngofnodi</h1>' in page
    assert "Neidio i’r prif gynnwys" in page
    # The switcher: Cymraeg is current (not a form), English is offered in English.
    assert '<span aria-current="true" lang="cy">Cymraeg</span>' in page
    assert 'name="language" value="en-gb"' in page and 'lang="en">' in page
    choose(client, "en-gb")
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en-GB"' in page and ">Sign in</h1>" in page


def test_a_signed_in_users_choice_is_saved_and_follows_them_to_the_next_sign_in(client, world):
    client.force_login(world.bob)
    choose(client, "cy")
    assert UserPreference.objects.get(user=world.bob).language == "cy"
    client.logout()
    assert '<html lang="en-GB"' in client.get("/").content.decode()
    client.force_login(world.bob)
    page = client.get("/").content.decode()
    assert '<html lang="cy"' in page and "Eich gwaith" in page


def test_an_unknown_language_or_an_outside_address_changes_nothing(client, db):
    response = choose(client, "fr", "https://example.com/")
    assert response["Location"] == "/"
    assert SESSION_KEY not in client.session
    assert client.get("/language/").status_code == 405


def test_the_first_visit_follows_the_browsers_language(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="cy,en;q=0.5").content.decode()
    assert '<html lang="cy"' in page
    assert "Buddion cydweithredu rhwng heddluoedd" in page and ">Hafan<" in page
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.5").content.decode()
    assert '<html lang="en-GB"' in english and "Benefits of police collaboration" in english


def test_welsh_forces_have_their_welsh_names_only_in_welsh(forces):
    south_wales, essex = force("South Wales"), force("Essex")
    with translation.override("cy"):
        assert force_name(south_wales) == "Heddlu De Cymru"
        assert force_name(force("North Wales")) == "Heddlu Gogledd Cymru"
        assert force_name(force("Dyfed-Powys")) == "Heddlu Dyfed-Powys"
        assert force_name(force("Gwent")) == "Heddlu Gwent"
        assert force_name(essex) == "Essex"
    assert force_name(south_wales) == "South Wales"
    south_wales.refresh_from_db()
    assert south_wales.name == "South Wales"  # the data stays as stored


def test_months_and_the_financial_year_read_in_welsh(db):
    for number, name in enumerate(WELSH_MONTHS, start=1):
        with translation.override("cy"):
            assert month_year(datetime.date(2026, number, 1)) == f"{name} 2026"
    assert month_year(datetime.date(2026, 3, 1)) == "March 2026"
    with translation.override("cy"):
        assert financial_year(2025) == "blwyddyn ariannol 2025/26"
    assert financial_year(2025) == "financial year 2025/26"


@pytest.fixture
def welsh_benefit(forces):
    collaboration = CollaborationFactory(name="Gwent and South Wales", slug="gsw")
    share(collaboration, "Gwent", "50")
    share(collaboration, "South Wales", "50")
    initiative = InitiativeFactory(collaboration=collaboration, stage=4)
    benefit = BenefitFactory(initiative=initiative, title="Llai o oriau teithio")
    lead = member("sian", "South Wales", "force_lead")
    return benefit, lead


def test_recording_an_actual_in_welsh(client, welsh_benefit):
    benefit, lead = welsh_benefit
    client.force_login(lead)
    choose(client, "cy")
    url = f"/benefits/{benefit.pk}/actuals/new/"
    page = client.get(url).content.decode()
    assert "Cofnodi gwerth gwirioneddol ar gyfer ‘Llai o oriau teithio’" in page
    assert "Heddlu De Cymru" in page and ">Mis<" in page and ">Blwyddyn<" in page
    # A wrong month box is named in Welsh.
    data = {
        "period_month": "13",
        "period_year": str(LAST_MONTH.year),
        "force": force("South Wales").pk,
        "value": "1250.50",
        "evidence_note": "Darn o’r cyfriflyfr",
    }
    page = client.post(url, data).content.decode()
    assert "Nid yw ‘13’ yn fis: rhowch rif rhwng 1 a 12." in page
    response = client.post(url, {**data, "period_month": str(LAST_MONTH.month)}, follow=True)
    welsh_month = WELSH_MONTHS[LAST_MONTH.month - 1]
    assert (
        f"Wedi cofnodi’r gwerth gwirioneddol ar gyfer {welsh_month} {LAST_MONTH.year}."
        in response.content.decode()
    )
    assert Measurement.objects.get().force.name == "South Wales"


def download(client, path) -> str:
    return b"".join(client.get(path).streaming_content).decode()


def test_api_and_open_data_keep_their_english_names_in_welsh(client, world):
    api = APIClient()
    api.force_authenticate(world.dave)
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    english = api.get(path).json()
    welsh = api.get(path, HTTP_ACCEPT_LANGUAGE="cy").json()
    assert list(welsh) == list(english) and "title" in welsh

    world.collab.visibility = "public"
    world.collab.save()
    english_csv = download(client, "/open-data/collaborations.csv")
    choose(client, "cy")
    welsh_csv = download(client, "/open-data/collaborations.csv")
    assert welsh_csv == english_csv  # the same columns, and the same words in them
    assert "name" in next(csv.reader(io.StringIO(welsh_csv)))


def test_the_welsh_catalogue_is_complete_and_marked_templates_stay_marked(capsys):
    call_command("check_translations")
    assert "strings translated" in capsys.readouterr().out
    assert not translations.catalogue_problems(translations.read_catalogue())


def test_the_check_names_unmarked_text_and_untranslated_entries(tmp_path):
    found = translations.unmarked_text(
        '{% load i18n %}<h1>{% translate "Home" %}</h1>\n<p title="Hint">Hello {{ name }}</p>'
        '<span lang="en">English</span><script>var x = "text";</script>'
    )
    assert found == [(2, 'title="Hint"'), (2, "Hello")]
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Home"\nmsgstr "Hafan"\n\n'
        'msgid "Save"\nmsgstr ""\n\n#, fuzzy\nmsgid "Cancel"\nmsgstr "Canslo"\n',
        encoding="utf-8",
    )
    problems = translations.catalogue_problems(translations.read_catalogue(po))
    assert problems == ["no Welsh translation: 'Save'", "fuzzy (needs checking): 'Cancel'"]
    assert translations.template_msgids(
        "{% blocktranslate count counter=n %}{{ counter }} thing{% plural %}"
        "{{ counter }} things{% endblocktranslate %}"
    ) == {"%(counter)s thing"}


def test_welsh_pages_name_stages_sub_categories_and_statuses_in_welsh(client, world):
    client.force_login(world.alice)
    choose(client, "cy")
    page = client.get(world.initiative.get_absolute_url()).content.decode()
    assert "2 Achos Busnes Amlinellol (OBC)" in page
    assert "1a Arbedion: arian" in page
    assert "Outline business case (OBC)" not in page and "Savings: money" not in page
    choose(client, "en-gb")
    page = client.get(world.initiative.get_absolute_url()).content.decode()
    assert "2 Outline business case (OBC)" in page and "1a Savings: money" in page


def _without_time(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if key != "generated_at"}


def test_the_api_and_open_data_say_the_same_in_welsh_as_in_english(client, world):
    world.collab.visibility = "public"
    world.collab.save()
    api = APIClient()
    api.force_authenticate(world.alice)
    paths = [
        f"/api/v1/benefits/{world.benefit.pk}/",
        "/api/v1/benefits/",
        f"/api/v1/initiatives/{world.initiative.pk}/",
    ]
    for path in paths:
        english = api.get(path)
        welsh = api.get(path, HTTP_ACCEPT_LANGUAGE="cy")
        assert english.status_code == 200 and welsh.content == english.content, path
    # The choices the API describes (OPTIONS) keep their English names too.
    english = api.options("/api/v1/benefits/").content
    welsh = api.options("/api/v1/benefits/", HTTP_ACCEPT_LANGUAGE="cy").content
    assert welsh == english
    # A refusal is worded in English as well.
    english = api.post("/api/v1/benefits/", {}, format="json").content
    welsh = api.post("/api/v1/benefits/", {}, format="json", HTTP_ACCEPT_LANGUAGE="cy").content
    assert welsh == english

    # A Welsh session (the same browser reading pages in Welsh) changes nothing either.
    client.force_login(world.alice)
    before = {path: client.get(path).content for path in paths}
    english_csv = {
        name: download(client, f"/open-data/{name}")
        for name in ("collaborations.csv", "benefits.csv", "monthly.csv")
    }
    english_json = _without_time(client.get("/open-data/benefits.json").json())
    choose(client, "cy")
    assert '<html lang="cy"' in client.get("/open-data/").content.decode()
    for path in paths:
        assert client.get(path).content == before[path], path
    for name, text in english_csv.items():
        assert download(client, f"/open-data/{name}") == text, name
    assert _without_time(client.get("/open-data/benefits.json").json()) == english_json
    assert "1a" in english_csv["benefits.csv"]


def test_search_entries_and_the_audit_trail_are_written_in_english_from_a_welsh_page(world):
    from realise.core.models import AuditRecord
    from realise.knowledge.models import SearchEntry
    from realise.organisations.models import Membership

    with translation.override("cy"):
        initiative = InitiativeFactory(collaboration=world.collab, name="Cyd-hyfforddi", stage=3)
        membership = Membership.objects.filter(user=world.dave).first()
        membership.save()
    entry = SearchEntry.objects.get(kind="initiative", object_id=initiative.pk)
    assert "3 Full business case (FBC)" in entry.body and "Llawn" not in entry.body
    record = AuditRecord.objects.filter(model="organisations.membership").latest("sequence")
    assert "Viewer (read only)" in record.object_repr


def test_django_s_password_rules_the_benchmark_and_the_benefits_map_read_in_welsh(client, world):
    client.force_login(world.alice)
    choose(client, "cy")
    password = client.get("/account/password/").content.decode()
    assert "Ni all eich cyfrinair fod yn rhifau i gyd." in password
    assert "Rhaid i’ch cyfrinair gynnwys o leiaf 10 nod." in password
    assert "Your password" not in password
    benchmark = client.get("/benchmark/").content.decode()
    assert "Wedi’i wireddu am bob £1 o gost" in benchmark and "Realised per £1" not in benchmark
    benefits_map = client.get(f"/collaborations/{world.collab.slug}/map/").content.decode()
    assert f"Map buddion {world.collab.name}" in benefits_map
    assert "Benefits map of" not in benefits_map
