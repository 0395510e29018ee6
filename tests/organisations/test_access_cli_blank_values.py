"""An option given an empty or blank value at the command line is refused, exit 2 with one
line naming the option, as a wrong value is: `--force ""` never grants a role for no
force, nor `--collaboration ""` one for the whole force.

On the people of tests/conftest.py: nora leads benefits for Norfolk; sam has no role.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from realise.cli import main
from realise.organisations.models import Membership
from tests.factories import UserFactory, force

OPTIONS = {
    "--user": ["--role", "viewer"],
    "--role": ["--user", "sam"],
    "--force": ["--user", "sam", "--role", "viewer"],
    "--collaboration": ["--user", "sam", "--role", "viewer", "--force", "kent"],
}


def run(*args) -> tuple[int, str, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
        code, err = 0, ""
    except CommandError as error:
        code, err = error.returncode, f"CommandError: {error}\n"
    return code, out.getvalue(), err


def roles() -> set[tuple]:
    return set(Membership.objects.values_list("user__username", "role", "force__slug"))


@pytest.mark.parametrize("command", ["grant", "revoke"])
@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_value_exits_2_naming_the_option_and_changes_nothing(
    world, command, option, blank
):
    sam = UserFactory(username="sam")
    Membership.objects.create(user=sam, role="viewer", force=force("Kent"))
    before = roles()
    code, out, err = run(command, *OPTIONS[option], option, blank)
    assert (code, out) == (2, "")
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"CommandError: {option}: the value is empty: give ")
    assert roles() == before


def test_the_console_script_refuses_an_empty_force(world, capsys):
    UserFactory(username="sam")
    with pytest.raises(SystemExit) as exit:
        main(["realise", "grant", "--user", "sam", "--role", "viewer", "--force", ""])
    assert exit.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "CommandError: --force: the value is empty: give a force's slug or ONS code, or "
        "leave the option out.\n"
    )
    assert not Membership.objects.filter(user__username="sam").exists()


@pytest.mark.parametrize("command", ["deactivate", "reactivate"])
def test_deactivating_an_empty_user_exits_2_naming_the_option(world, command):
    code, out, err = run(command, "--user", " ")
    assert (code, out) == (2, "")
    assert err == (
        "CommandError: --user: the value is empty: give a user name (list them with "
        "`realise users`).\n"
    )
