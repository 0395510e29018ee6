"""The example nginx site lets a file somewhat over Realise's upload limit through, so that
Realise, not nginx's bare "413 Request Entity Too Large", tells the person the file's size,
the limit, and in their language."""

import re
from pathlib import Path

from django.conf import settings

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "realise.conf"
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def test_a_file_several_times_the_limit_reaches_realise_to_be_explained():
    [size] = re.findall(r"^\s*client_max_body_size\s+(\d+)([kmg]?);", SITE.read_text(), re.M)
    allowed = int(size[0]) * UNITS[size[1].lower()]
    # A 60 MB scan against a 20 MB limit is refused by Realise, with its size and the limit.
    assert allowed >= 4 * settings.REALISE_UPLOAD_MAX_BYTES
