"""The audit trail's head, kept outside Realise, catches the newest records being cut off."""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.db import connection

from realise.core.models import AuditRecord


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    except Exception as error:  # CommandError: its message and return code
        code = getattr(error, "returncode", 1)
        err.write(str(error))
    return code, out.getvalue(), err.getvalue()


def cut_off(count: int) -> None:
    """Remove the newest records with SQL and make the stored head agree, as someone
    covering their tracks would: the chain alone still holds."""
    newest = AuditRecord.objects.order_by("-sequence")
    kept = newest[count]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditrecord WHERE sequence > %s", [kept.sequence])
        cursor.execute(
            "UPDATE core_audithead SET sequence = %s, hash = %s", [kept.sequence, kept.hash]
        )


def test_head_prints_the_newest_records_number_and_hash(world):
    newest = AuditRecord.objects.order_by("-sequence").first()

    assert run("audit", "head")[1].strip() == f"{newest.sequence}:{newest.hash}"
    code, out, _ = run("audit", "head", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"number": newest.sequence, "hash": newest.hash}


def test_verify_with_the_head_noted_earlier_passes_on_an_intact_trail(world):
    noted = run("audit", "head")[1].strip()
    world.benefit.title = "Changed after the head was noted"
    world.benefit.save()

    code, out, err = run("audit", "verify", "--head", noted)

    assert (code, err) == (0, "")
    assert "Audit trail intact" in out


def test_cutting_off_the_newest_records_is_caught_with_the_head_noted_outside(world):
    noted = run("audit", "head", "--format", "json")[1]
    number = json.loads(noted)["number"]
    cut_off(3)
    assert run("audit", "verify")[0] == 0  # the chain alone cannot tell

    code, _, err = run("audit", "verify", "--head", f"{number}:{json.loads(noted)['hash']}")

    assert code == 1
    assert (
        f"the trail ends at record {number - 3} but the head noted outside was record "
        f"{number}: records {number - 2} to {number} are missing" in err
    )


def test_a_trail_cut_short_and_written_again_is_caught(world):
    newest = AuditRecord.objects.order_by("-sequence").first()
    cut_off(1)
    world.benefit.title = "Written over the removed record"
    world.benefit.save()  # a new record takes the removed one's number
    replaced = AuditRecord.objects.get(sequence=newest.sequence)
    assert replaced.hash != newest.hash

    code, _, err = run("audit", "verify", "--head", f"{newest.sequence}:{newest.hash}")

    assert code == 1
    assert (
        f"record {newest.sequence} has hash {replaced.hash}, not {newest.hash} as noted "
        f"outside: the trail up to record {newest.sequence} was replaced." in err
    )


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("12", "the hash is not 64 hex digits"),
        ("x:" + "a" * 64, "the number is not a whole number"),
    ],
)
def test_a_head_that_is_not_number_colon_hash_is_refused(world, given, problem):
    code, _, err = run("audit", "verify", "--head", given)
    assert code == 2
    assert f"--head: '{given}' is not NUMBER:HASH ({problem})." in err


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - the http.server name
        length = int(self.headers["Content-Length"])
        Receiver.received.append(
            (self.path, self.headers["Content-Type"], json.loads(self.rfile.read(length)))
        )
        self.send_response(Receiver.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    """A local HTTP server on 127.0.0.1 that keeps what it is sent."""
    Receiver.received, Receiver.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.REALISE_AUDIT_ANCHOR_URL = f"http://127.0.0.1:{server.server_port}/realise/head"
    yield Receiver
    server.shutdown()
    server.server_close()


def test_the_daily_run_sends_the_head_to_the_anchor_url(world, receiver):
    newest = AuditRecord.objects.order_by("-sequence").first()

    code, out, _ = run("remind")

    assert code == 0
    [(path, content_type, body)] = receiver.received
    assert (path, content_type) == ("/realise/head", "application/json")
    assert (body["number"], body["hash"]) == (newest.sequence, newest.hash)
    assert body["site"] and body["sent_at"]
    assert f"Sent the audit trail's head {newest.sequence}:{newest.hash}" in out


def test_the_head_can_be_sent_on_its_own_and_a_refusal_is_reported(world, receiver):
    assert run("audit", "anchor")[0] == 0
    receiver.status = 500

    code, _, err = run("audit", "anchor")
    assert code == 1 and "The head was not sent to http://127.0.0.1:" in err
    code, _, err = run("remind")
    assert code == 1 and "The audit trail's head could not be sent." in err
    assert len(receiver.received) == 3


def test_without_an_anchor_url_nothing_is_sent(world, settings):
    settings.REALISE_AUDIT_ANCHOR_URL = ""
    assert run("remind")[0] == 0
    code, _, err = run("audit", "anchor")
    assert code == 1 and "REALISE_AUDIT_ANCHOR_URL is not set" in err
