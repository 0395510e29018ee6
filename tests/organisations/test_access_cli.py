"""`realise grant`, `realise revoke` and `realise users`: the operator's way in.

Run as the console script runs them (exit status, one line on standard error), on the
people of tests/conftest.py: alice runs the Essex and Kent collaboration (ek), nora leads
benefits for Norfolk.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from realise.cli import main
from realise.core.models import AuditRecord
from realise.organisations.models import Membership
from tests.factories import UserFactory


def run(capsys, *args) -> tuple[int, str, str]:
    """As `realise ARGS` would: exit status, standard output, standard error."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
        code, err = 0, ""
    except CommandError as error:
        code, err = error.returncode, f"CommandError: {error}\n"
    return code, out.getvalue(), err


def test_the_console_script_exits_2_with_one_line_on_standard_error(world, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["realise", "grant", "--user", "nora", "--role", "chief"])
    assert exit.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "CommandError: --role: 'chief' is not a role: use one of administrator, programme, "
        "force-lead, benefit-owner, viewer, inspector.\n"
    )


def held(username: str) -> set[tuple]:
    return {
        (m.role, m.force.slug if m.force else None, c)
        for m in Membership.objects.filter(user__username=username)
        for c in (sorted(m.collaborations.values_list("slug", flat=True)) or [None])
    }


def test_grant_gives_the_role_and_granting_again_changes_nothing(world, capsys):
    UserFactory(username="sam")
    code, out, _ = run(
        capsys,
        "grant",
        "--user",
        "sam",
        "--role",
        "force-lead",
        "--force",
        "kent",
        "--collaboration",
        "ek",
    )
    assert code == 0
    assert "Granted" in out
    assert held("sam") == {("force_lead", "kent", "ek")}
    records = AuditRecord.objects.filter(model="organisations.membership").count()

    code, out, _ = run(
        capsys,
        "grant",
        "--user",
        "sam",
        "--role",
        "force-lead",
        "--force",
        "E23000032",
        "--collaboration",
        "ek",
    )
    assert code == 0
    assert "Already held" in out
    assert held("sam") == {("force_lead", "kent", "ek")}
    assert AuditRecord.objects.filter(model="organisations.membership").count() == records


def test_an_administrator_or_inspector_needs_no_force(world, capsys):
    UserFactory(username="ian")
    assert run(capsys, "grant", "--user", "ian", "--role", "inspector")[0] == 0
    assert run(capsys, "grant", "--user", "ian", "--role", "inspector")[0] == 0
    assert held("ian") == {("inspector", None, None)}
    assert Membership.objects.filter(user__username="ian").count() == 1


@pytest.mark.parametrize(
    ("args", "option", "fragment"),
    [
        (
            ["--role", "boss"],
            "--role",
            "administrator, programme, force-lead, benefit-owner, viewer, inspector",
        ),
        (["--role", "viewer", "--force", "atlantis"], "--force", "/api/v1/forces/"),
        (["--role", "viewer", "--collaboration", "nope"], "--collaboration", "collaborations"),
    ],
)
def test_a_wrong_value_exits_2_with_one_line_naming_the_option(
    world, capsys, args, option, fragment
):
    before = held("nora")
    for command in ("grant", "revoke"):
        code, out, err = run(capsys, command, "--user", "nora", *args)
        assert code == 2
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert option in lines[0]
    code, _, err = run(capsys, "grant", "--user", "nora", *args)
    assert fragment in err
    assert held("nora") == before


def test_a_force_lead_without_a_force_is_refused_with_exit_2(world, capsys):
    UserFactory(username="sam")
    code, _, err = run(capsys, "grant", "--user", "sam", "--role", "force-lead")
    assert code == 2
    assert err.strip() == "CommandError: --force: A force benefits lead needs a force."
    assert held("sam") == set()


def test_an_unknown_user_exits_2_and_says_how_to_list_users(world, capsys):
    code, _, err = run(capsys, "grant", "--user", "nobody", "--role", "viewer")
    assert code == 2
    assert err.strip().splitlines() == [
        "CommandError: --user: no user 'nobody' (list them with `realise users`)."
    ]


def test_revoke_within_one_collaboration_keeps_the_others_and_never_widens(world, capsys):
    from tests.factories import CollaborationFactory, share

    other = CollaborationFactory(slug="ek2", visibility="private")
    share(other, "Essex", "100")
    UserFactory(username="sam")
    for slug in ("ek", "ek2"):
        run(
            capsys,
            "grant",
            "--user",
            "sam",
            "--role",
            "programme",
            "--force",
            "essex",
            "--collaboration",
            slug,
        )
    assert held("sam") == {("programme_team", "essex", "ek"), ("programme_team", "essex", "ek2")}

    code, out, _ = run(
        capsys,
        "revoke",
        "--user",
        "sam",
        "--role",
        "programme",
        "--force",
        "essex",
        "--collaboration",
        "ek",
    )
    assert code == 0
    assert held("sam") == {("programme_team", "essex", "ek2")}
    # Removing the last collaboration removes the membership (with none it would mean
    # every collaboration Essex belongs to).
    run(
        capsys,
        "revoke",
        "--user",
        "sam",
        "--role",
        "programme",
        "--force",
        "essex",
        "--collaboration",
        "ek2",
    )
    assert held("sam") == set()
    code, out, _ = run(capsys, "revoke", "--user", "sam", "--role", "programme", "--force", "essex")
    assert code == 0
    assert "nothing to revoke" in out


def test_users_json_lists_each_user_with_their_memberships(world, capsys):
    world.bob.is_active = False
    world.bob.save()
    run(capsys, "grant", "--user", "dave", "--role", "inspector")
    code, out, _ = run(capsys, "users", "--format", "json")
    assert code == 0
    users = {u["username"]: u for u in json.loads(out)}
    assert users["alice"] == {
        "username": "alice",
        "email": "alice@example.org",
        "active": True,
        "memberships": [{"role": "programme", "force": "essex", "collaboration": "ek"}],
    }
    assert users["bob"]["active"] is False
    assert users["bob"]["memberships"] == [
        {"role": "force-lead", "force": "essex", "collaboration": None}
    ]
    assert {(m["role"], m["force"]) for m in users["dave"]["memberships"]} == {
        ("viewer", "essex"),
        ("inspector", None),
    }
    assert sorted(users) == ["alice", "bob", "carol", "dave", "erin", "nora"]


def test_users_text_lists_roles(world, capsys):
    code, out, _ = run(capsys, "users")
    assert code == 0
    assert "alice <alice@example.org>" in out
    assert "programme force essex, in ek" in out


def test_a_role_for_the_whole_force_is_not_narrowed_by_a_later_grant(world, capsys):
    code, out, err = run(
        capsys,
        "grant",
        "--user",
        "bob",
        "--role",
        "force-lead",
        "--force",
        "essex",
        "--collaboration",
        "ek",
    )
    assert code == 2
    assert err == (
        "CommandError: --collaboration: bob already holds this role for Essex as a whole; "
        "revoke it first to limit it to named collaborations.\n"
    )
    code, out, err = run(
        capsys,
        "revoke",
        "--user",
        "bob",
        "--role",
        "force-lead",
        "--force",
        "essex",
        "--collaboration",
        "ek",
    )
    assert code == 2
    assert "--collaboration: bob holds this role for Essex as a whole" in err
    assert held("bob") == {("force_lead", "essex", None)}


def test_deactivate_stops_sign_in_and_token_and_reactivate_undoes_it(world, capsys):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.bob).key}")
    assert api.get("/api/v1/collaborations/ek/").status_code == 200

    code, out, _ = run(capsys, "deactivate", "--user", "bob")
    assert (code, out) == (
        0,
        "bob is deactivated: they can no longer sign in and their API token no longer "
        "works. Their history and authorship are kept.\n",
    )
    assert api.get("/api/v1/collaborations/ek/").status_code == 401
    listed = {u["username"]: u for u in json.loads(run(capsys, "users", "--format", "json")[1])}
    assert listed["bob"]["active"] is False
    assert listed["bob"]["memberships"] == [
        {"role": "force-lead", "force": "essex", "collaboration": None}
    ]
    assert run(capsys, "deactivate", "--user", "BOB")[:2] == (
        0,
        "bob is already deactivated: nothing changed.\n",
    )

    assert run(capsys, "reactivate", "--user", "bob")[:2] == (0, "bob can sign in again.\n")
    assert api.get("/api/v1/collaborations/ek/").status_code == 200
    assert run(capsys, "reactivate", "--user", "bob")[1] == (
        "bob is already active: nothing changed.\n"
    )


def test_deactivating_an_unknown_user_exits_2_naming_the_option(world, capsys):
    code, out, err = run(capsys, "deactivate", "--user", "zed")
    assert (code, out) == (2, "")
    assert err == "CommandError: --user: no user 'zed' (list them with `realise users`).\n"
