"""Where uploaded files live, from one `STORAGE_URL`.

* `s3://BUCKET[/PREFIX][?endpoint_url=...&region_name=...&addressing_style=path]`:
  S3-compatible object storage through django-storages (AWS, MinIO, Ceph, ...), so that
  every web host and worker sees the same files. Credentials come from the usual
  `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` environment variables (or the host's
  role), never from the URL.
* `file:///PATH`: a folder (for several hosts, a shared volume), like `MEDIA_ROOT`.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

S3_OPTIONS = {
    "endpoint_url": str,
    "region_name": str,
    "addressing_style": str,
    "signature_version": str,
    "custom_domain": str,
}


class StorageURLError(ValueError):
    pass


def storage_from_url(url: str) -> dict:
    """The `STORAGES["default"]` entry a STORAGE_URL names; StorageURLError says why not."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if not parts.path or parts.netloc not in ("", "localhost"):
            # file://srv/media would be the folder /media on a host called "srv".
            raise StorageURLError(
                "STORAGE_URL: file:// needs a folder from the root, with three slashes, "
                "e.g. file:///srv/media"
            )
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": parts.path},
        }
    if parts.scheme != "s3":
        raise StorageURLError(
            f"STORAGE_URL: unknown scheme '{parts.scheme}'; use s3://BUCKET or file:///FOLDER"
        )
    if not parts.netloc:
        raise StorageURLError("STORAGE_URL: s3:// needs a bucket, e.g. s3://realise-uploads")
    if "@" in parts.netloc:
        raise StorageURLError(
            "STORAGE_URL: put no credentials in the URL; set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead"
        )
    options: dict = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "file_overwrite": False,
        "querystring_auth": True,
        "default_acl": None,
    }
    for key, values in parse_qs(parts.query, keep_blank_values=False).items():
        if key not in S3_OPTIONS:
            allowed = ", ".join(S3_OPTIONS)
            raise StorageURLError(f"STORAGE_URL: unknown option '{key}' (allowed: {allowed})")
        options[key] = values[-1]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
