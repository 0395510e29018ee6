"""Is the service fully in Welsh? The checks behind `realise check_translations` (`make lint`).

1. The Welsh catalogue (locale/cy/LC_MESSAGES/django.po) has no untranslated or fuzzy entry.
2. Every string marked for translation in the code (`gettext`, `gettext_lazy`, `ngettext`,
   `{% translate %}`, `{% blocktranslate %}`) is in the catalogue.
3. No template shows people text outside translation tags, except the templates still listed
   in locale/templates-still-to-mark.txt (a list that only ever shrinks).

No database and no gettext tools are needed: the catalogue and the sources are read as text.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, Token, TokenType

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
STILL_TO_MARK = ROOT / "locale" / "templates-still-to-mark.txt"
SOURCES = ROOT / "realise"
TEMPLATE_SUFFIXES = (".html", ".txt")

# Names that read the same in both languages and are never translated.
SAME_IN_BOTH = {"Realise", "English", "Cymraeg", "API", "GOV.UK", "MIT"}
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
NGETTEXT_NAMES = {"ngettext", "ngettext_lazy"}
VISIBLE_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Entry:
    msgid: str
    plural: str | None = None
    strings: list[str] = field(default_factory=list)
    fuzzy: bool = False


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_catalogue(path: Path = CATALOGUE) -> list[Entry]:
    """The entries of a .po file (the header left out)."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            match = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if match:
                current = match[1]
                fields[current] = _unquote(match[2])
            elif line.startswith('"') and current:
                fields[current] += _unquote(line)
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        strings = [value for key, value in sorted(fields.items()) if key.startswith("msgstr")]
        entries.append(Entry(fields["msgid"], fields.get("msgid_plural"), strings, fuzzy))
    return entries


def catalogue_problems(entries: list[Entry]) -> list[str]:
    problems = []
    for entry in entries:
        if entry.fuzzy:
            problems.append(f"fuzzy (needs checking): {entry.msgid!r}")
        elif not entry.strings or any(not text for text in entry.strings):
            problems.append(f"no Welsh translation: {entry.msgid!r}")
    return problems


# Marked strings -------------------------------------------------------------------------


def python_msgids(path: Path) -> set[str]:
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        if name in ("pgettext", "pgettext_lazy"):
            args = args[1:]
        wanted = 1 if name in GETTEXT_NAMES else 2 if name in NGETTEXT_NAMES else 0
        if wanted and len(args) >= wanted and isinstance(args[0], str):
            found.add(args[0])
    return found


def _block_text(tokens) -> str:
    text = []
    for token in tokens:
        if token.token_type == TokenType.VAR:
            text.append(f"%({token.contents.split('|')[0].strip()})s")
        else:
            text.append(token.contents.replace("%", "%%"))
    return "".join(text)


def template_msgids(source: str) -> set[str]:
    found = set()
    tokens = Lexer(source).tokenize()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.token_type != TokenType.BLOCK:
            continue
        bits = token.split_contents()
        if bits[0] in ("translate", "trans") and len(bits) > 1 and bits[1][0] in "\"'":
            found.add(bits[1][1:-1])
        elif bits[0] in ("blocktranslate", "blocktrans"):
            singular: list[Token] = []
            current: list[Token] = []
            while index < len(tokens):
                inner = tokens[index]
                index += 1
                if inner.token_type == TokenType.BLOCK:
                    if inner.contents in ("endblocktranslate", "endblocktrans"):
                        break
                    if inner.contents == "plural":
                        singular, current = current, []
                        continue
                current.append(inner)
            text = _block_text(singular or current)
            if "trimmed" in bits:
                text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
            found.add(text)
    return found


def template_files() -> list[Path]:
    return sorted(
        path
        for path in SOURCES.rglob("*")
        if path.suffix in TEMPLATE_SUFFIXES and "templates" in path.relative_to(SOURCES).parts
    )


def marked_msgids() -> dict[str, str]:
    """Every marked string, with the file it comes from."""
    found: dict[str, str] = {}
    for path in sorted(SOURCES.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for msgid in python_msgids(path):
            found.setdefault(msgid, str(path.relative_to(ROOT)))
    for path in template_files():
        for msgid in template_msgids(path.read_text(encoding="utf-8")):
            found.setdefault(msgid, str(path.relative_to(ROOT)))
    return found


# Text left unmarked in templates ---------------------------------------------------------

TRANSLATED_BLOCK = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S
)
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|<!--.*?-->", re.S)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)


def _keep_lines(match: re.Match, fill: str = " ") -> str:
    """Blank out a match but keep its line breaks, so line numbers stay right."""
    return re.sub(r"[^\n]", fill, match.group(0))


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, text in a stated other language)
        self.found: list[tuple[int, str]] = []

    def _foreign(self) -> bool:
        return any(foreign for _tag, foreign in self.stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and _has_words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))
        if tag not in VOID:
            self.stack.append((tag, tag != "html" and "lang" in values))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag("br", attrs)

    def handle_endtag(self, tag):
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position][0] == tag:
                del self.stack[position:]
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        if _has_words(data) and not self._foreign():
            self.found.append((self.getpos()[0], " ".join(data.split())[:60]))


def _has_words(text: str) -> bool:
    words = re.findall(r"[^\W\d_][\w.'’-]*", text)
    return any(word.strip(".") not in SAME_IN_BOTH for word in words)


def unmarked_text(source: str) -> list[tuple[int, str]]:
    """(line, text) for each piece of text people would read that is not marked."""
    source = COMMENT.sub(_keep_lines, source)
    source = TRANSLATED_BLOCK.sub(_keep_lines, source)
    source = TEMPLATE_CODE.sub(_keep_lines, source)
    finder = _TextFinder()
    finder.feed(source)
    finder.close()
    return finder.found


def still_to_mark() -> list[str]:
    if not STILL_TO_MARK.exists():
        return []
    lines = STILL_TO_MARK.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def template_problems(allowed: set[str]) -> tuple[list[str], list[str]]:
    """(problems, names allowed but now clean: they can leave the list)."""
    problems, clean = [], []
    for path in template_files():
        name = str(path.relative_to(ROOT))
        found = unmarked_text(path.read_text(encoding="utf-8"))
        if name in allowed:
            if not found:
                clean.append(name)
            continue
        problems += [f"{name}:{line}: not marked for translation: {text!r}" for line, text in found]
    return problems, clean
