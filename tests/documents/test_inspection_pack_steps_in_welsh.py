"""The step an inspection pack's build has reached is kept in English (the command line
prints it) and shown on the pack's page in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from realise.documents.inspection import build_zip
from realise.documents.models import InspectionPack, PackStatus
from tests.core.welsh_entries import welsh

pytestmark = pytest.mark.django_db

STEPS_CY = {
    "Writing the register": "Yn ysgrifennu’r gofrestr",
    "Extracting the audit trail": "Yn tynnu’r trywydd archwilio",
    "Saving the pack": "Yn cadw’r pecyn",
}


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def page_of(client, vetting, step: str, language: str) -> str:
    pack = InspectionPack.objects.create(
        requester=vetting.alice,
        collaboration=vetting.collab,
        status=PackStatus.BUILDING,
        progress=10,
        step=step,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    client.force_login(vetting.alice)
    client.post("/language/", {"language": language, "next": "/"})
    url = reverse("inspection-pack-status", args=[vetting.collab.slug, pack.pk])
    with welsh(STEPS_CY):
        return client.get(url).content.decode()


@pytest.mark.parametrize("step", list(STEPS_CY))
def test_the_step_reads_in_welsh_on_a_welsh_page(client, vetting, step):
    page = page_of(client, vetting, step, "cy")
    assert f'id="pack-progress-label">{STEPS_CY[step]}</p>' in page
    assert step not in page


def test_the_step_reads_in_english_on_an_english_page(client, vetting):
    page = page_of(client, vetting, "Writing the register", "en-gb")
    assert 'id="pack-progress-label">Writing the register</p>' in page


def test_the_steps_reported_stay_english_from_a_welsh_page(vetting) -> None:
    reported: list[str] = []
    with welsh(STEPS_CY), translation.override("cy"):
        build_zip(vetting.collab, vetting.alice, progress=lambda _done, step: reported.append(step))
    assert "Writing the register" in reported and "Saving the pack" in reported
    assert not set(reported) & set(STEPS_CY.values())
