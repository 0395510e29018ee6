"""Copy the front-end packages installed by `npm ci` to var/assets for collectstatic."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Copy GOV.UK Frontend and htmx from node_modules into var/assets (run after npm ci)."
    requires_system_checks = []

    def handle(self, *args, **options):
        modules = Path(settings.BASE_DIR) / "node_modules"
        out = Path(settings.BASE_DIR) / "var" / "assets"
        govuk = modules / "govuk-frontend" / "dist" / "govuk"
        htmx = modules / "htmx.org" / "dist" / "htmx.min.js"
        if not govuk.is_dir() or not htmx.is_file():
            raise CommandError("Front-end packages are missing: run `npm ci` first.")
        if (out / "govuk").exists():
            shutil.rmtree(out / "govuk")
        (out / "govuk").mkdir(parents=True)
        # The precompiled stylesheet points at /assets/; make that relative to itself.
        css = (govuk / "govuk-frontend.min.css").read_text(encoding="utf-8")
        css = css.replace("url(/assets/", "url(assets/")
        css = css.split("/*# sourceMappingURL")[0]
        (out / "govuk" / "govuk-frontend.min.css").write_text(css, encoding="utf-8")
        js = (govuk / "govuk-frontend.min.js").read_text(encoding="utf-8")
        js = js.split("//# sourceMappingURL")[0]
        (out / "govuk" / "govuk-frontend.min.js").write_text(js, encoding="utf-8")
        shutil.copytree(govuk / "assets", out / "govuk" / "assets")
        (out / "htmx").mkdir(exist_ok=True)
        shutil.copy2(htmx, out / "htmx" / "htmx.min.js")
        self.stdout.write(f"Front-end assets copied to {out}")
