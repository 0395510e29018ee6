"""Benchmark the repository search on SQLite and on PostgreSQL.

    .venv/bin/python bench/search.py                       # both databases, 100,000 entries
    .venv/bin/python bench/search.py --database postgres   # one of them
    .venv/bin/python bench/search.py --database current    # the one DATABASE_URL names
    .venv/bin/python bench/search.py --size 10000 --keep

Each database is a benchmark database of its own: PostgreSQL `realise_search_bench` at
127.0.0.1:5432 (created when missing), SQLite var/bench/realise_search.sqlite3.

Builds a synthetic national repository (by default 100,000 lessons and documents, each with
text drawn from a policing vocabulary with a natural, Zipf-like spread of common and rare
words), indexes it, then times the search a page does (count, best 20 with snippets) for an
administrator, a force user and an anonymous caller. Reports the median and 95th
percentile. The synthetic rows are removed afterwards unless --keep is given; a later run
reuses kept rows of the same size.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _databases import PG_HOST, ensure_postgres

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realise.settings")
os.environ.setdefault("REALISE_TESTING", "1")  # no SECRET_KEY needed for a local benchmark

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from realise.collaborations.models import Collaboration, ForceShare  # noqa: E402
from realise.core.permissions import Access  # noqa: E402
from realise.knowledge.models import (  # noqa: E402
    Document,
    DocumentVersion,
    Lesson,
    SearchEntry,
)
from realise.knowledge.search import search  # noqa: E402
from realise.knowledge.search.query import ENGLISH_STOP_WORDS  # noqa: E402
from realise.organisations.models import Force  # noqa: E402

PREFIX = "bench-"
PG_NAME = "realise_search_bench"
DOMAIN_TEXT = """
vetting backlog clearance recruits contractors procurement framework contract supplier tender
savings baseline category management collaboration force forces alliance region regional
custody suite detention healthcare interpreters fleet tyres servicing vehicles body armour
uniform radios airwave control room emergency calls response officers neighbourhood policing
forensic laboratory fingerprints DNA digital evidence disclosure prosecution court case file
major crime investigation detectives homicide serious organised crime unit intelligence
firearms armed response training firearms licensing roads policing collisions speed cameras
estates buildings property shared headquarters IT systems software licences cloud network
data records management HR payroll pensions recruitment apprenticeship degree university
learning development wellbeing occupational health overtime allowances shift patterns rota
governance board summit commissioner chief constable deputy programme project initiative
business case outline full strategic economic commercial financial management benefits
realisation dashboard highlight report closure lessons learned evaluation review audit
inspection recommendation compliance legislation statutory agreement section partnership
stakeholders engagement communications public confidence victims witnesses safeguarding
vulnerability domestic abuse missing persons mental health ambulance fire rescue council
budget revenue capital cashable efficiency productivity hours released demand capacity risk
issue dependency milestone timeline delay slippage contingency escalation decision approval
"""
DOMAIN = DOMAIN_TEXT.split()
SYLLABLE_TEXT = (
    "ar bel cor dan el fen gor hal in jor kel lan mor nel or pen quin ros sal tor ul ven wil"
)
SYLLABLES = SYLLABLE_TEXT.split()


def vocabulary() -> list[str]:
    """Words from most to least common, as in English: the little words first (never
    searched for: both databases treat them as noise), then the policing vocabulary, then
    a long tail of rarer made-up words. The same list every time."""
    rng = random.Random(11)
    tail = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(8000)}
    domain = list(dict.fromkeys(w.lower() for w in DOMAIN))
    little = sorted(ENGLISH_STOP_WORDS)
    rng.shuffle(little)
    return little + domain + sorted(tail - set(domain) - ENGLISH_STOP_WORDS)


class Text:
    def __init__(self, rng: random.Random, words: list[str]):
        self.rng = rng
        self.words = words
        self.cumulative = list(
            itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(words)))
        )

    def words_of(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self, count: int) -> str:
        chosen = self.words_of(count)
        return " ".join(chosen).capitalize() + "."

    def paragraph(self, words: int) -> str:
        parts, left = [], words
        while left > 0:
            length = min(left, self.rng.randint(8, 22))
            parts.append(self.sentence(length))
            left -= length
        return " ".join(parts)


class BenchUser:
    """A signed-in caller with given access, without needing rows in the user table."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, access: Access):
        self._realise_access = access


def existing_size() -> int:
    return SearchEntry.objects.filter(collaboration__slug__startswith=PREFIX).count()


def remove(stdout=print) -> None:
    """Delete the synthetic rows (children first), without history or signals."""
    if not Collaboration.objects.filter(slug__startswith=PREFIX).exists():
        return
    stdout("Removing the synthetic rows...")
    ids = "(SELECT id FROM collaborations_collaboration WHERE slug LIKE %s)"
    statements = [
        f"DELETE FROM knowledge_searchentry WHERE collaboration_id IN {ids}",
        "DELETE FROM knowledge_documentversion WHERE document_id IN "
        f"(SELECT id FROM knowledge_document WHERE collaboration_id IN {ids})",
        f"DELETE FROM knowledge_document WHERE collaboration_id IN {ids}",
        f"DELETE FROM knowledge_lesson WHERE collaboration_id IN {ids}",
        f"DELETE FROM collaborations_forceshare WHERE collaboration_id IN {ids}",
        "DELETE FROM collaborations_collaboration WHERE slug LIKE %s",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [PREFIX + "%"])


def database_name() -> str:
    if connection.vendor == "postgresql":
        number = connection.cursor().connection.info.server_version
        return f"PostgreSQL {number // 10000}.{number % 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def build(size: int, rng: random.Random, stdout=print) -> None:
    words = vocabulary()
    text = Text(rng, words)
    forces = list(Force.objects.all())
    functions = [
        "procurement",
        "vetting",
        "forensics",
        "firearms",
        "roads_policing",
        "major_crime",
        "organised_crime",
        "training",
        "it",
        "hr",
        "estates",
        "other",
    ]
    collaborations = Collaboration.objects.bulk_create(
        [
            Collaboration(
                name=f"Bench collaboration {n}",
                slug=f"{PREFIX}{n}",
                purpose=text.paragraph(30),
                function=rng.choice(functions),
                visibility=rng.choices(["private", "policing", "public"], weights=[2, 6, 2])[0],
            )
            for n in range(400)
        ]
    )
    shares = []
    for collaboration in collaborations:
        for force in rng.sample(forces, rng.randint(2, 5)):
            shares.append(ForceShare(collaboration=collaboration, force=force, percent=20))
    ForceShare.objects.bulk_create(shares)
    themes = [
        "governance",
        "benefits",
        "workforce",
        "technology",
        "finance",
        "procurement",
        "legal",
        "partnership",
    ]
    kinds = ["business_case", "agreement", "closure_report", "highlight_report", "evaluation"]
    batch, made, started = 2000, 0, time.perf_counter()
    while made < size:
        count = min(batch, size - made)
        lessons_here = count // 2
        with transaction.atomic():
            lessons = Lesson.objects.bulk_create(
                [
                    Lesson(
                        collaboration=rng.choice(collaborations),
                        title=text.sentence(rng.randint(5, 10))[:-1],
                        theme=rng.choice(themes),
                        stage=rng.randint(0, 5),
                        what_happened=text.paragraph(rng.randint(50, 120)),
                        what_to_repeat=text.paragraph(rng.randint(10, 30)),
                        what_to_avoid=text.paragraph(rng.randint(10, 30)),
                        recommendation=text.paragraph(rng.randint(10, 25)),
                        date=datetime.date(2018, 1, 1)
                        + datetime.timedelta(days=rng.randint(0, 3000)),
                        visibility=rng.choices(
                            ["private", "policing", "public"], weights=[2, 6, 2]
                        )[0],
                    )
                    for _ in range(lessons_here)
                ]
            )
            documents = Document.objects.bulk_create(
                [
                    Document(
                        collaboration=rng.choice(collaborations),
                        title=text.sentence(rng.randint(4, 9))[:-1],
                        kind=rng.choice(kinds),
                        stage=rng.randint(0, 5),
                        description=text.paragraph(20),
                        visibility=rng.choices(
                            ["private", "policing", "public"], weights=[2, 6, 2]
                        )[0],
                    )
                    for _ in range(count - lessons_here)
                ]
            )
            versions = DocumentVersion.objects.bulk_create(
                [
                    DocumentVersion(
                        document=document,
                        number=1,
                        file=f"documents/bench/{document.pk}.txt",
                        original_name=f"{document.pk}.txt",
                        file_type="txt",
                        content_type="text/plain",
                        size=0,
                        extracted_text=text.paragraph(rng.randint(200, 600)),
                    )
                    for document in documents
                ]
            )
            entries = [
                SearchEntry(
                    kind="lesson",
                    object_id=lesson.pk,
                    collaboration=lesson.collaboration,
                    title=lesson.title,
                    body="\n".join(
                        [
                            lesson.what_happened,
                            lesson.what_to_repeat,
                            lesson.what_to_avoid,
                            lesson.recommendation,
                        ]
                    ),
                    url=f"/repository/lessons/{lesson.pk}/",
                    visibility=lesson.visibility,
                    theme=lesson.theme,
                    stage=lesson.stage,
                    date=lesson.date,
                )
                for lesson in lessons
            ] + [
                SearchEntry(
                    kind="document",
                    object_id=version.document.pk,
                    collaboration=version.document.collaboration,
                    title=version.document.title,
                    body=version.document.description + "\n" + version.extracted_text,
                    url=f"/repository/documents/{version.document.pk}/",
                    visibility=version.document.visibility,
                    stage=version.document.stage,
                    date=datetime.date(2026, 1, 1),
                )
                for version in versions
            ]
            SearchEntry.objects.bulk_create(entries)
        made += count
        stdout(f"  {made:>7} / {size} indexed ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE knowledge_searchentry")
            cursor.execute("ANALYZE collaborations_collaboration, collaborations_forceshare")
        else:
            cursor.execute(
                "INSERT INTO knowledge_searchentry_fts(knowledge_searchentry_fts) "
                "VALUES ('optimize')"
            )
            cursor.execute("ANALYZE")


def queries(rng: random.Random, count: int) -> list[str]:
    words = [w for w in vocabulary() if w not in ENGLISH_STOP_WORDS]
    common, middle, rare = words[:60], words[60:400], words[400:]
    out = []
    for n in range(count):
        kind = n % 5
        if kind == 0:
            out.append(rng.choice(common))
        elif kind == 1:
            out.append(" ".join(rng.sample(common, 2)))
        elif kind == 2:
            out.append(f"{rng.choice(common)} {rng.choice(middle)}")
        elif kind == 3:
            out.append(rng.choice(rare))
        else:
            pair = rng.sample(common[:30], 2)
            out.append(f'"{pair[0]} {pair[1]}" OR {rng.choice(middle)}')
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def run(size: int, query_count: int, keep: bool, fresh: bool, seed: int) -> dict:
    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    have = existing_size()
    if have and (fresh or have != size):
        remove()
        have = 0
    if have:
        print(f"Reusing {have} synthetic entries kept by an earlier run.")
    else:
        print(f"Building {size} synthetic lessons and documents...")
        build(size, rng)
    forces = list(
        ForceShare.objects.filter(collaboration__slug__startswith=PREFIX)
        .values_list("force_id", flat=True)
        .distinct()[:1]
    )
    callers = {
        "administrator": BenchUser(Access(authenticated=True, administrator=True)),
        "force user": BenchUser(Access(authenticated=True, forces=frozenset(forces))),
        "anonymous": AnonymousUser(),
    }
    texts = queries(rng, query_count)
    for text in texts[:20]:  # warm the caches
        results = search(text, user=callers["force user"])
        results.count()
        results[0:20]
    timings: dict[str, list[float]] = {}
    for name, caller in callers.items():
        timings[name] = []
        for text in texts:
            started = time.perf_counter()
            results = search(text, user=caller)
            results.count()
            results[0:20]
            timings[name].append((time.perf_counter() - started) * 1000)
    everything = [t for values in timings.values() for t in values]
    report = {
        "database": database_name(),
        "entries": existing_size(),
        "queries_per_caller": query_count,
        "callers": {
            name: {
                "median_ms": round(statistics.median(values), 2),
                "p95_ms": round(percentile(values, 0.95), 2),
            }
            for name, values in timings.items()
        },
        "median_ms": round(statistics.median(everything), 2),
        "p95_ms": round(percentile(everything, 0.95), 2),
    }
    if not keep:
        remove()
    return report


def child_url(kind: str) -> str:
    if kind == "sqlite":
        folder = Path(__file__).resolve().parent.parent / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'realise_search.sqlite3'}"
    return ensure_postgres(f"{PG_HOST}/{PG_NAME}")


def print_report(report: dict) -> None:
    print(
        f"\nRepository search on {report['database']}, {report['entries']} entries, "
        f"{report['queries_per_caller']} queries per caller (count + best 20 with snippets):"
    )
    print(f"  {'caller':<15} {'median':>10} {'95th pct':>10}")
    for name, row in report["callers"].items():
        print(f"  {name:<15} {row['median_ms']:>8.1f}ms {row['p95_ms']:>8.1f}ms")
    print(f"  {'all':<15} {report['median_ms']:>8.1f}ms {report['p95_ms']:>8.1f}ms")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", choices=["both", "sqlite", "postgres", "current"], default="both"
    )
    parser.add_argument("--size", type=int, default=100_000, help="lessons and documents (100000)")
    parser.add_argument("--queries", type=int, default=200, help="queries per caller (200)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the synthetic rows for a later run"
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild even if kept rows exist")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.database != "current":
        # One child process per database, each set up for its own DATABASE_URL.
        kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
        reports = []
        for kind in kinds:
            command = [sys.executable, __file__, "--database", "current", "--json"]
            command += ["--size", str(args.size), "--queries", str(args.queries)]
            command += ["--seed", str(args.seed), *["--keep"] * args.keep]
            command += ["--fresh"] * args.fresh
            env = {**os.environ, "DATABASE_URL": child_url(kind)}
            result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
            if result.returncode != 0:
                print(result.stdout)
                raise SystemExit(f"The {kind} search benchmark failed (exit {result.returncode}).")
            out = result.stdout
            print(out[: out.index("{")], end="")
            reports.append(json.loads(out[out.index("{") :]))
        if args.json:
            print(json.dumps(reports, indent=2))
        else:
            for report in reports:
                print_report(report)
        return 0
    report = run(args.size, args.queries, args.keep, args.fresh, args.seed)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
