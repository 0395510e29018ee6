"""Local accounts: change your password, reset a forgotten one by email; passwords are
checked by Django's validators, a list of common passwords included."""

import re

from django.core import mail
from django.test import Client

from tests.organisations.inviting import signed_in

NEW = "Harbour-Lantern-93-Moss"


def test_change_password_refuses_a_common_one_then_changes_it(world):
    dave = signed_in(world.dave)
    assert dave.get("/account/password/").status_code == 200
    common = dave.post(
        "/account/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "qwertyuiop",
            "new_password2": "qwertyuiop",
        },
    )
    assert common.status_code == 200
    assert "This password is too common." in common.content.decode()
    wrong_old = dave.post(
        "/account/password/",
        {"old_password": "guess", "new_password1": NEW, "new_password2": NEW},
    )
    assert "old password was entered incorrectly" in wrong_old.content.decode()
    done = dave.post(
        "/account/password/",
        {"old_password": "correct-horse-battery", "new_password1": NEW, "new_password2": NEW},
    )
    assert done.status_code == 302
    world.dave.refresh_from_db()
    assert world.dave.check_password(NEW)


def test_a_forgotten_password_is_reset_through_a_one_time_link(world):
    visitor = Client()
    assert visitor.get("/accounts/password-reset/").status_code == 200
    sent = visitor.post("/accounts/password-reset/", {"email": "dave@example.org"})
    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = visitor.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    address = form.redirect_chain[-1][0]
    done = visitor.post(address, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    world.dave.refresh_from_db()
    assert world.dave.check_password(NEW)
    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(world):
    response = Client().post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_the_sign_in_page_offers_a_reset(world):
    assert "/accounts/password-reset/" in Client().get("/accounts/login/").content.decode()
