"""What the invitation tests do: sign someone in, invite Sam, follow the link sent."""

import re

from django.test import Client

SAM = "sam@kent.police.example"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitation/\S+/)", message.body).group(1)


def invite_sam(client, **extra):
    return client.post(
        "/access/invite/", {"email": SAM, "first_name": "Sam", "role": "viewer", **extra}
    )
