"""Which links a crawl of the site follows: its own pages, not the admin, the API, signing
out, files or downloads."""

from urllib.parse import urlparse

SKIP_PARTS = ("/admin/", "/api/", "/accounts/logout/", "/static/", "/media/")
SKIP_ENDINGS = (".csv", ".json", ".xlsx", ".pdf", ".docx", ".ics", ".svg", ".png", "/download/")


def crawlable(url: str, base: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https", ""):  # mailto:, tel:
        return False
    if parsed.netloc and parsed.netloc != urlparse(base).netloc:
        return False
    path = parsed.path
    if any(part in path for part in SKIP_PARTS) or path.endswith(SKIP_ENDINGS):
        return False
    return "export" not in parsed.query and "format=" not in parsed.query
