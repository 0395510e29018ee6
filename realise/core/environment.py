"""Settings read from environment variables, strictly (see README's configuration table).

django-environ on its own answers a value it cannot read with a bare `ValueError` that names
no variable, reads any word it does not know as false (so `REALISE_SSL_REDIRECT=ture` would
turn the HTTPS redirect off), and fails on a mistyped `DATABASE_URL` with `KeyError:
'ENGINE'`. Here each of those stops Realise starting with one line naming the variable and
saying what it takes. URLs that may hold a password are not repeated in the message.
"""

from __future__ import annotations

import decimal
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = environ.Env.BOOLEAN_TRUE_STRINGS
FALSE_WORDS = ("false", "off", "no", "n", "0")
WANTED = {
    int: "a whole number",
    float: "a number",
    decimal.Decimal: "a number such as 0.95",
}
DATABASE_SCHEMES = ("postgres", "postgresql", "pgsql", "psql", "sqlite")


class Env(environ.Env):
    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, ArithmeticError):  # decimal.InvalidOperation is an ArithmeticError
            wanted = WANTED.get(cast, "a value of another form")
            raise ImproperlyConfigured(
                f"{var} is {self.ENVIRON.get(var, '')!r}: it must be {wanted}."
            ) from None

    def count(self, var: str, default: int, what: str = "a whole number") -> int:
        """A whole number from 1 (a limit, a number of seconds or bytes): 0 or less would
        lock everyone out, loop without pause or refuse every form."""
        value = self.int(var, default=default)
        if value < 1:
            raise ImproperlyConfigured(f"{var} must be {what}, 1 or more.")
        return value

    def bool(self, var, default=environ.Env.NOTSET):
        given = self.ENVIRON.get(var)
        if given is not None and given.strip().lower() not in (*TRUE_WORDS, *FALSE_WORDS):
            raise ImproperlyConfigured(
                f"{var} is {given!r}: it must be on or off "
                "(1 or 0, true or false, yes or no, on or off)."
            )
        return super().bool(var, default=default)

    def db_url(self, var=environ.Env.DEFAULT_DATABASE_ENV, default=environ.Env.NOTSET, engine=None):
        url = self.get_value(var, default=default)
        if urlsplit(str(url)).scheme not in DATABASE_SCHEMES:
            raise ImproperlyConfigured(
                f"{var} must name a PostgreSQL database "
                "(postgres://USER:PASSWORD@HOST:5432/NAME) or an SQLite file "
                "(sqlite:////ABSOLUTE/PATH.sqlite3)."
            )
        return self.db_url_config(url, engine=engine)

    db = db_url

    def email_url(
        self, var=environ.Env.DEFAULT_EMAIL_ENV, default=environ.Env.NOTSET, backend=None
    ):
        try:
            return super().email_url(var, default=default, backend=backend)
        except (ImproperlyConfigured, ValueError):
            schemes = ", ".join(f"{scheme}://" for scheme in self.EMAIL_SCHEMES)
            raise ImproperlyConfigured(
                f"{var} must be a mail server's URL, e.g. smtp+tls://USER:PASSWORD@HOST:587 "
                f"(schemes: {schemes})."
            ) from None

    email = email_url
