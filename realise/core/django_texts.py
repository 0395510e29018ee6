"""Django's own texts that people read in Realise and that Django's Welsh catalogue leaves
untranslated (the password rules and the password forms).

Nothing imports this module: it lists the texts, exactly as Django writes them, so that
`makemessages` puts them in Realise's Welsh catalogue, whose translations take precedence
over Django's (`LOCALE_PATHS`). When a Django upgrade changes one of these texts, the page
shows it in English again until it is listed here as the new text.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

TEXTS = (
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Enter the same password as before, for verification."),
)
COUNTED = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
