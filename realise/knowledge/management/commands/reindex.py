from django.core.management.base import BaseCommand, CommandError

from realise.knowledge.indexing import REGISTRY, reindex_all


class Command(BaseCommand):
    help = "Rebuild the repository search index (all types, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("types", nargs="*", help=f"Any of: {', '.join(REGISTRY)}.")

    def handle(self, *args, **options):
        unknown = sorted(set(options["types"]) - set(REGISTRY))
        if unknown:
            raise CommandError(
                f"types: no type {', '.join(repr(kind) for kind in unknown)}; "
                f"use any of: {', '.join(REGISTRY)}.",
                returncode=2,
            )
        for kind, count in reindex_all(options["types"] or None).items():
            self.stdout.write(f"{kind}: {count} indexed")
