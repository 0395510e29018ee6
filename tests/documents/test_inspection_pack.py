"""The inspection pack: it opens (PDF text, CSVs parse, the head hash verifies) and holds
nothing its requester may not see; its pages answer 404 to everyone else; the command's
exit statuses.

The world is the documents' worked example (tests/documents/conftest.py): at the end of
October 2026, V-MONEY has £7,000.00 planned to date and £6,250.00 realised; the actuals
are 6 + 2 of V-MONEY and 4 of V-HOURS, 12 in all, of which the test verifies 3:
3 / 12 = 25.0%.
"""

import csv
import datetime
import io
import json
import shutil
import subprocess
import sys
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from realise.benefits.models import Evidence, Measurement
from realise.core import audit
from realise.core.models import AuditRecord
from realise.documents.inspection import SECTION_TITLES, build_zip, row_hash, run_pack
from realise.documents.models import InspectionPack, PackStatus
from tests.documents.conftest import pdf_pages
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    actual,
    member,
    share,
)

NOVEMBER = datetime.date(2026, 11, 1)
SECRET = "Secret Norfolk drone patrols"
FILES = {
    "README.txt",
    "summary.pdf",
    "benefits.csv",
    "planned-values.csv",
    "actuals.csv",
    "force-shares.csv",
    "evidence-index.csv",
    "decisions.csv",
    "lessons.csv",
    "audit.csv",
    "audit-head.json",
}


def pdf_text(content: bytes) -> str:
    """The PDF's text, through pdftotext where it is installed."""
    program = shutil.which("pdftotext")
    if program:
        done = subprocess.run(  # noqa: S603 - pdftotext on a PDF the test built
            [program, "-layout", "-", "-"], input=content, capture_output=True, check=True
        )
        return done.stdout.decode()
    return "\n".join(pdf_pages(content))


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


@pytest.fixture
def pack_world(vetting):
    w = vetting
    measurements = Measurement.objects.filter(benefit=w.money).order_by("period", "pk")[:3]
    for m in measurements:
        m.verified_at = timezone.now()
        m.save()
    w.evidence = Evidence.objects.create(measurement=measurements[0], note="Invoice for April")
    w.evidence.file.save("april-invoice.txt", ContentFile(b"April invoice"), save=True)
    # A private collaboration of Norfolk alone, which nobody at Essex or Kent may see.
    w.other = CollaborationFactory(name="Norfolk Drones", slug="nd", visibility="private")
    share(w.other, "Norfolk", "100")
    hidden = InitiativeFactory(collaboration=w.other, name="Drone trial", slug="drone-trial")
    w.secret = BenefitFactory(initiative=hidden, reference="ND-1", title=SECRET)
    actual(w.secret, datetime.date(2026, 5, 1), "123.45")
    w.inspector = member("ines", "Norfolk", "inspector")
    return w


def test_the_pack_opens_and_holds_its_figures(pack_world):
    w = pack_world
    content = build_zip(w.collab, w.alice, today=NOVEMBER)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert set(archive.namelist()) == FILES

    text = pdf_text(archive.read("summary.pdf"))
    for title in SECTION_TITLES:
        assert title in text
    assert "Essex and Kent Serious Crime" in text
    assert "£6,250.00" in text and "£7,000.00" in text  # realised and planned to date
    assert "3 of 12 actuals recorded are verified (25.0%)" in text
    assert "No initiative has an economic case recorded." in text  # an empty section says so

    actuals = csv_rows(archive, "actuals.csv")
    assert len(actuals) == 12
    assert sum(row["Verified"] == "Yes" for row in actuals) == 3
    assert {row["Reference"] for row in csv_rows(archive, "benefits.csv")} == {
        "V-MONEY",
        "V-HOURS",
        "V-BACKLOG",
    }
    assert len(csv_rows(archive, "planned-values.csv")) == 24
    shares = csv_rows(archive, "force-shares.csv")
    assert {(row["Force"], row["Percent"]) for row in shares} == {
        ("Essex", "47.3000"),
        ("Kent", "52.7000"),
    }
    evidence = csv_rows(archive, "evidence-index.csv")
    assert [(row["Note"], row["In this pack"]) for row in evidence] == [("Invoice for April", "")]
    for name in ("decisions.csv", "lessons.csv"):
        csv_rows(archive, name)


def test_the_head_hash_verifies_and_each_audit_row_checks_out(pack_world):
    w = pack_world
    archive = zipfile.ZipFile(io.BytesIO(build_zip(w.collab, w.alice, today=NOVEMBER)))

    noted = json.loads(archive.read("audit-head.json"))
    anchor = audit.Head(noted["number"], noted["hash"])
    assert anchor == audit.head()
    assert audit.verify_head(anchor).ok
    assert noted["verify"] == f"realise audit verify --head {anchor}"
    assert f"realise audit verify --head {noted['number']}:{noted['hash']}" in archive.read(
        "README.txt"
    ).decode("utf-8")

    rows = csv_rows(archive, "audit.csv")
    assert rows and noted["records_in_extract"] == len(rows)
    assert {row["collaboration_id"] for row in rows} == {str(w.collab.pk)}
    assert all(int(row["sequence"]) <= anchor.number for row in rows)
    assert all(row_hash(row) == row["hash"] for row in rows)

    # A head that the trail no longer holds fails the check.
    wrong = audit.Head(anchor.number, "0" * 64)
    assert not audit.verify_head(wrong).ok


def _every_text(content: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(content))
    parts = []
    for name in archive.namelist():
        data = archive.read(name)
        parts.append(pdf_text(data) if name.endswith(".pdf") else data.decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("who", ["alice", "inspector", None])
def test_another_collaborations_records_never_appear(pack_world, who):
    w = pack_world
    user = getattr(w, who) if who else None
    text = _every_text(build_zip(w.collab, user, with_evidence=True, today=NOVEMBER))
    assert "Reduced vetting backlog" in text or "V-BACKLOG" in text
    assert SECRET not in text and "ND-1" not in text and "Drone trial" not in text
    assert "April invoice" in text  # the evidence file the requester may see


def test_the_page_builds_in_the_background_and_offers_the_download(
    client, pack_world, settings, django_capture_on_commit_callbacks
):
    w = pack_world
    client.force_login(w.alice)
    page = reverse("inspection-pack", args=[w.collab.slug])
    assert client.get(page).status_code == 200
    response = client.post(page, {"with_evidence": "yes"})  # queued: no worker has it yet
    pack = InspectionPack.objects.get()
    assert response.status_code == 302 and response.url == pack.get_absolute_url()
    waiting = client.get(response.url)
    assert b'http-equiv="refresh"' in waiting.content
    assert b"Waiting for a worker" in waiting.content

    run_pack(pack.pk)
    done = client.get(response.url)
    assert b"http-equiv" not in done.content
    download = reverse("inspection-pack-download", args=[w.collab.slug, pack.pk])
    assert download.encode() in done.content
    got = client.get(download)
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(got.streaming_content)))
    assert f"evidence/{w.evidence.pk}-april-invoice.txt" in archive.namelist()

    # Another user who may ask for packs still cannot open this one.
    client.force_login(w.inspector)
    assert client.get(response.url).status_code == 404
    assert client.get(download).status_code == 404

    # An inspector's pack of a private collaboration is recorded in the audit trail.
    theirs = InspectionPack.objects.create(requester=w.inspector, collaboration=w.collab)
    assert run_pack(theirs.pk).status == PackStatus.DONE
    assert AuditRecord.objects.filter(
        action="view", username="ines", collaboration_id=w.collab.pk
    ).exists()

    # The task the page queues runs the same job.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(w.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page)
    assert InspectionPack.objects.order_by("-pk").first().status == PackStatus.DONE


def test_outsiders_and_readers_get_404_everywhere(client, pack_world):
    w = pack_world
    pack = InspectionPack.objects.create(requester=w.alice, collaboration=w.collab)
    run_pack(pack.pk)
    assert InspectionPack.objects.get().status == PackStatus.DONE
    urls = [
        reverse("inspection-pack", args=[w.collab.slug]),
        reverse("inspection-pack-status", args=[w.collab.slug, pack.pk]),
        reverse("inspection-pack-download", args=[w.collab.slug, pack.pk]),
    ]
    client.force_login(w.alice)
    assert urls[0].encode() in client.get(w.collab.get_absolute_url()).content
    client.force_login(w.dave)  # sees the collaboration, and no link to its pack
    assert urls[0].encode() not in client.get(w.collab.get_absolute_url()).content
    for user in (w.nora, w.dave):  # another force's lead; a viewer of a member force
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(urls[0]).status_code == 404
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.url or "sign" in response.url
    # An administrator may ask; the programme team of another collaboration may not.
    client.force_login(member("ada", "Essex", "administrator"))
    assert client.get(urls[0]).status_code == 200
    assert InspectionPack.objects.count() == 1


def test_a_pack_whose_file_is_gone_says_so(client, pack_world):
    w = pack_world
    pack = InspectionPack.objects.create(requester=w.alice, collaboration=w.collab)
    pack = run_pack(pack.pk)
    pack.file.storage.delete(pack.file.name)  # a restore without the media, say
    client.force_login(w.alice)
    page = client.get(reverse("inspection-pack-status", args=[w.collab.slug, pack.pk]))
    assert page.status_code == 200
    assert b"no longer stored" in page.content and b"The pack is ready" not in page.content
    download = reverse("inspection-pack-download", args=[w.collab.slug, pack.pk])
    assert download.encode() not in page.content
    assert client.get(download).status_code == 404


def run(*args) -> int:
    """The command's exit status; its error, if any, on standard error. (call_command keeps
    the test's database connection open, which the console script closes when it ends.)"""
    try:
        call_command("inspection-pack", *args)
    except CommandError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return error.returncode
    except SystemExit as exit:
        return exit.code
    return 0


@pytest.mark.usefixtures("pack_world")
def test_the_command_and_its_exit_statuses(tmp_path, capsys):
    out = tmp_path / "pack.zip"
    assert run("--collaboration", "ek", "--out", str(out), "--as", "alice") == 0
    assert set(zipfile.ZipFile(out).namelist()) == FILES
    assert "100%" in capsys.readouterr().err

    assert run("--collaboration", "ek", "--out", str(out), "--with-evidence") == 0
    assert any(n.startswith("evidence/") for n in zipfile.ZipFile(out).namelist())
    capsys.readouterr()

    assert run("--collaboration", "nope", "--out", str(out)) == 2
    unknown = capsys.readouterr().err
    assert run("--collaboration", "nd", "--out", str(out), "--as", "alice") == 2
    assert capsys.readouterr().err == unknown.replace("'nope'", "'nd'")
    assert run("--collaboration", "ek", "--out", str(out), "--as", "nobody") == 2
    assert run("--collaboration", "ek", "--out", str(tmp_path / "no" / "p.zip")) == 2

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("realise.documents.inspection.render_pdf", broken)
        assert run("--collaboration", "ek", "--out", str(tmp_path / "x.zip")) == 1
    assert "disk full" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_the_evidence_index_names_each_file_as_it_was_uploaded(pack_world, settings, tmp_path):
    """The index names a file as the page and the download do ("Adroddiad – Heddlu.pdf"),
    not as it happens to be stored; the copy in the pack keeps a safe stored name."""
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    w = pack_world
    w.evidence.original_name = "Adroddiad Blynyddol – Heddlu.pdf"
    w.evidence.file.save("Adroddiad_Blynyddol__Heddlu.pdf", ContentFile(b"%PDF-1.4"), save=True)
    archive = zipfile.ZipFile(
        io.BytesIO(build_zip(w.collab, w.alice, with_evidence=True, today=NOVEMBER))
    )
    (row,) = csv_rows(archive, "evidence-index.csv")
    assert row["File"] == "Adroddiad Blynyddol – Heddlu.pdf"
    assert row["In this pack"] == f"evidence/{w.evidence.pk}-Adroddiad_Blynyddol__Heddlu.pdf"
    assert archive.read(row["In this pack"]) == b"%PDF-1.4"
