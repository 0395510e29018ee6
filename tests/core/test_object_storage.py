"""Uploads in S3-compatible object storage (STORAGE_URL), tested against a real S3 API
served on 127.0.0.1: a file uploaded through one client is downloaded through another,
and lives in the bucket, not on the web host's disk."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from realise.benefits.models import Evidence
from realise.core.storage_url import StorageURLError, storage_from_url
from tests.factories import force

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.mark.parametrize(
    ("url", "options"),
    [
        (
            "s3://realise-uploads/prod?endpoint_url=https://s3.example:9000&region_name=eu-west-2",
            {
                "bucket_name": "realise-uploads",
                "location": "prod",
                "endpoint_url": "https://s3.example:9000",
                "region_name": "eu-west-2",
            },
        ),
        ("s3://realise-uploads", {"bucket_name": "realise-uploads", "location": ""}),
    ],
)
def test_an_s3_url_names_the_bucket_and_endpoint(url, options):
    config = storage_from_url(url)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options.items() <= config["OPTIONS"].items()


def test_a_file_url_names_a_folder():
    config = storage_from_url("file:///srv/realise/media")
    assert config["OPTIONS"] == {"location": "/srv/realise/media"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://x", "unknown scheme 'ftp'"),
        ("s3://", "needs a bucket"),
        ("s3://key:secret@bucket", "no credentials in the URL"),
        ("s3://bucket?colour=blue", "unknown option 'colour'"),
        ("file://", "needs a folder"),
        # Two slashes: the folder /media on a host "srv", not /srv/media.
        ("file://srv/media", "three slashes, e.g. file:///srv/media"),
    ],
)
def test_a_wrong_url_is_refused_with_a_reason(url, message):
    with pytest.raises(StorageURLError, match=message):
        storage_from_url(url)


@pytest.fixture
def s3(monkeypatch):
    moto = pytest.importorskip("moto.server")
    import boto3

    server = moto.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
    client.create_bucket(
        Bucket="realise-uploads",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
    )
    yield endpoint, client
    server.stop()


def test_evidence_uploaded_on_one_host_downloads_on_another(world, settings, s3, tmp_path):
    endpoint, bucket = s3
    settings.MEDIA_ROOT = tmp_path / "nothing-here"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_url(
            f"s3://realise-uploads/media?endpoint_url={endpoint}&region_name=eu-west-2"
        ),
    }
    first, second = Client(), Client()
    first.force_login(world.bob)
    second.force_login(world.dave)
    response = first.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "1250.50",
            "evidence_note": "Ledger extract",
            "evidence_file": SimpleUploadedFile(
                "ledger.csv", b"cost centre,saving\n4410,1250.50\n", "text/csv"
            ),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket="realise-uploads")["Contents"]]
    assert keys == [f"media/{evidence.file.name}"]
    assert not (tmp_path / "nothing-here").exists()

    download = second.get(f"/evidence/{evidence.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"cost centre,saving\n4410,1250.50\n"
