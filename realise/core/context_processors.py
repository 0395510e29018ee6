from django.conf import settings


def shows_people(user) -> bool:
    """Whether pages, downloads and feeds may name people (names, job titles, email
    addresses, user names) to `user`: to signed-in readers, never to the public."""
    return bool(user is not None and user.is_authenticated)


def realise(request):
    return {
        "service_name": "Realise",
        "debug": settings.DEBUG,
        "show_people": shows_people(getattr(request, "user", None)),
    }
