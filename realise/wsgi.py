import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realise.settings")
application = get_wsgi_application()


def _load_document_libraries() -> None:
    """matplotlib and WeasyPrint load when the first chart or PDF is made (a command need
    not pay for them); a web server loads them now, so that gunicorn's workers, forked from
    the process that loaded the application, share them and no request waits for them."""
    import weasyprint  # noqa: F401, PLC0415

    from realise.core.charts import load_matplotlib  # noqa: PLC0415

    load_matplotlib()


_load_document_libraries()
