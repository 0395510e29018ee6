"""Production keeps its cache where every web process sees it: Redis when REDIS_URL is
set, else the database (a table made by a migration)."""

from django.core.cache import caches
from django.test import override_settings

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "realise_cache",
    }
}


def test_the_database_cache_table_exists_and_works(db):
    with override_settings(CACHES=DATABASE_CACHE):
        cache = caches.create_connection("default")
        cache.set("dashboard-generation", 7, None)
        assert cache.get("dashboard-generation") == 7
        cache.incr("dashboard-generation")
        assert caches.create_connection("default").get("dashboard-generation") == 8
