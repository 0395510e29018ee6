from django.conf import settings


def realise(request):
    return {"service_name": "Realise", "debug": settings.DEBUG}
