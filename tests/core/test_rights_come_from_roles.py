"""Rights come from roles, never from Django's model permissions (core/backends.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse


@pytest.fixture
def nora_with_a_django_permission(world):
    """Nora (a Norfolk force lead) given the audit trail's model permission directly, as
    someone might through the database: it must give her nothing."""
    permission = Permission.objects.get(codename="view_auditrecord", content_type__app_label="core")
    world.nora.user_permissions.add(permission)
    return world.nora


def test_a_model_permission_granted_directly_opens_nothing(client, nora_with_a_django_permission):
    nora = type(nora_with_a_django_permission).objects.get(pk=nora_with_a_django_permission.pk)
    assert not nora.has_perm("core.view_auditrecord")
    client.force_login(nora)
    assert client.get(reverse("audit-list")).status_code == 403
    page = client.get(reverse("home")).content.decode()
    assert reverse("audit-list") not in page


def test_the_roles_that_read_the_audit_trail_see_its_link(client, world):
    # A viewer (a board member) reads the trail; a force lead does not.
    client.force_login(world.dave)
    assert reverse("audit-list") in client.get(reverse("home")).content.decode()
    assert client.get(reverse("audit-list")).status_code == 200
    client.force_login(world.bob)
    assert reverse("audit-list") not in client.get(reverse("home")).content.decode()


def test_only_people_who_manage_access_see_its_link(client, world):
    client.force_login(world.alice)  # programme team
    assert reverse("access-list") in client.get(reverse("home")).content.decode()
    client.force_login(world.carol)
    assert reverse("access-list") not in client.get(reverse("home")).content.decode()


def test_a_password_still_signs_people_in(client, world):
    world.bob.set_password("a long and private passphrase")
    world.bob.save()
    wrong = client.post("/accounts/login/", {"username": "bob", "password": "a wrong one"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    right = client.post(
        "/accounts/login/", {"username": "bob", "password": "a long and private passphrase"}
    )
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(world.bob.pk)
    assert client.session["_auth_user_backend"] == "realise.core.backends.PasswordBackend"


def test_an_administrator_account_has_every_right(client, django_user_model):
    admin = django_user_model.objects.create_user("root", is_superuser=True, is_staff=True)
    assert admin.has_perm("core.view_auditrecord")
    client.force_login(admin)
    assert client.get(reverse("audit-list")).status_code == 200
