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
# Protective markings are printed as the Government Security Classifications name them.
SAME_IN_BOTH |= {"OFFICIAL", "OFFICIAL-SENSITIVE"}
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy"}
NGETTEXT_NAMES = {"ngettext", "ngettext_lazy"}
VISIBLE_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


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


class ElementStack(HTMLParser):
    """An HTML reader that knows which elements it is inside, each opened with a flag that
    leaves out its content (another language, a script). An end tag also closes any
    element left open inside its own, as browsers do. Also read by the tests' crawl of
    rendered pages in Welsh."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, its content left out)

    def open(self, tag: str, left_out: bool) -> None:
        if tag not in VOID:
            self.stack.append((tag, left_out))

    def left_out(self) -> bool:
        """Inside an element whose content is left out."""
        return any(flag for _tag, flag in self.stack)

    def handle_endtag(self, tag):
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position][0] == tag:
                del self.stack[position:]
                break


class _TextFinder(ElementStack):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and _has_words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))
        # Text in a stated other language is left out.
        self.open(tag, tag != "html" and "lang" in values)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag("br", attrs)

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        if _has_words(data) and not self.left_out():
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


# Text left unmarked in Python -------------------------------------------------------------

# Calls whose arguments people read: the name called (a function, or a method's name on a
# receiver in RECEIVERS) and the positions and keywords of the text.
USER_FACING_CALLS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "ValidationError": ((0,), ("message",)),
    "PermissionDenied": ((0,), ()),
    "Refused": ((0,), ("message",)),
    "add_error": ((1,), ("error",)),
    "send_mail": ((0, 1), ("subject", "message", "html_message")),
    "EmailMessage": ((0, 1), ("subject", "body")),
    "EmailMultiAlternatives": ((0, 1), ("subject", "body")),
    "Notification": ((), ("text",)),
    "Reminder": ((), ("subject", "text")),
}
# django.contrib.messages: `messages.success(request, text)`, `add_message(request, level, text)`.
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
# Keywords that label a form or model field, whatever is called.
LABEL_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
# Attributes set to text people read: `self.fields["x"].label = ...`, `Meta.verbose_name = ...`.
LABEL_ATTRIBUTES = {"label", "help_text", "empty_label"}
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}
# Text in a `Meta`: a model's names, a model form's labels, hints and errors by field, and
# what a table (django-tables2) says when it is empty.
META_TEXTS = {
    "verbose_name",
    "verbose_name_plural",
    "labels",
    "help_texts",
    "error_messages",
    "empty_text",
}
# A model field's first argument is its verbose name, which forms use as the label
# (relations take the model they point to first, and name theirs by keyword).
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
# Keys of a dict literal whose value a template shows: a link's text, a page's title.
DISPLAY_KEYS = {"text", "page_title", "label", "hint", "heading", "caption"}
LAZY_NAMES = {"_", "gettext_lazy", "pgettext_lazy", "ngettext_lazy"}
# Machine-facing modules, in English by design (see the command's docstring).
ENGLISH_MODULES = {"api.py", "api_filters.py", "api_root.py", "parsers.py", "serializers.py"}


def _is_translated(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        return name in GETTEXT_NAMES | NGETTEXT_NAMES
    return False


def _has_letters(text: str) -> bool:
    return _has_words(re.sub(r"%\(\w+\)[sdf]|{[^}]*}", " ", text))


def _unmarked_text(node: ast.AST | None) -> str | None:
    """The text of `node` when it is a plain string (or f-string, `%`/`.format` on a plain
    string) people would read untranslated; None when it is marked or not text."""
    if node is None or _is_translated(node):
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if _has_letters(node.value) else None
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        text = "".join(str(p) for p in parts)
        return ast.unparse(node) if _has_letters(text) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return _unmarked_text(node.left) or (
            _unmarked_text(node.right) if isinstance(node.op, ast.Add) else None
        )
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _unmarked_text(node.func.value)
    if isinstance(node, ast.IfExp):
        return _unmarked_text(node.body) or _unmarked_text(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return next(filter(None, map(_unmarked_text, node.elts)), None)
    if isinstance(node, ast.Dict):
        return next(filter(None, map(_unmarked_text, node.values)), None)
    return None


def _choice_labels(node: ast.AST) -> list[ast.AST]:
    """The labels of a `choices=` literal: [(value, label), ...], grouped or not."""
    labels: list[ast.AST] = []
    if isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                value, label = item.elts
                if isinstance(label, ast.List | ast.Tuple):  # a named group
                    labels.append(value)
                    labels += _choice_labels(label)
                else:
                    labels.append(label)
    return labels


def _rest_framework_names(tree: ast.Module) -> set[str]:
    """Names imported from rest_framework (its ValidationError answers the API, in English)."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rest_framework")
        for alias in node.names
    }


def _call_texts(node: ast.Call, api_names: set[str]) -> list[ast.AST]:
    func = node.func
    name = getattr(func, "id", None) or getattr(func, "attr", None)
    receiver = getattr(getattr(func, "value", None), "id", None)
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    texts: list[ast.AST] = []
    if receiver == "messages" and name in MESSAGE_LEVELS | {"add_message"}:
        position = 2 if name == "add_message" else 1
        texts += node.args[position : position + 1]
        texts += [keywords[k] for k in ("message",) if k in keywords]
    elif name in USER_FACING_CALLS and not (
        receiver in ("serializers", "exceptions")
        or (isinstance(func, ast.Name) and name in api_names)
    ):
        positions, names = USER_FACING_CALLS[name]
        texts += [node.args[p] for p in positions if p < len(node.args)]
        texts += [keywords[k] for k in names if k in keywords]
    texts += [value for key, value in keywords.items() if key in LABEL_KEYWORDS]
    if "error_messages" in keywords:
        texts.append(keywords["error_messages"])
    if "choices" in keywords:
        texts += _choice_labels(keywords["choices"])
    return texts


def _class_texts(node: ast.ClassDef) -> list[ast.AST]:
    bases = {getattr(b, "id", None) or getattr(b, "attr", None) for b in node.bases}
    texts: list[ast.AST] = []
    for statement in node.body:
        if not isinstance(statement, ast.Assign):
            continue
        if bases & CHOICES_BASES and isinstance(statement.value, ast.Tuple):
            texts.append(statement.value.elts[-1])
        elif node.name == "Meta" and any(
            getattr(t, "id", None) in META_TEXTS for t in statement.targets
        ):
            texts.append(statement.value)
    return texts


def _model_field_verbose_name(node: ast.Call) -> list[ast.AST]:
    """`models.CharField("what to avoid", ...)`: the positional verbose name."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and getattr(func.value, "id", None) == "models"
        and func.attr.endswith("Field")
        and func.attr not in RELATION_FIELDS
    ):
        return list(node.args[:1])
    return []


def _display_values(node: ast.Dict) -> list[ast.AST]:
    """`{"url": ..., "text": "Benchmarking"}`: the values templates show."""
    return [
        value
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and key.value in DISPLAY_KEYS
    ]


def _formatted_at_import(node: ast.BinOp, parents: dict[ast.AST, ast.AST]) -> bool:
    """`_("... %(x)s") % {...}` outside any function: the lazy text is turned into English
    once, when the module is imported, so it never follows the language of the page."""
    left = node.left
    if not (
        isinstance(node.op, ast.Mod)
        and isinstance(left, ast.Call)
        and (getattr(left.func, "id", None) or getattr(left.func, "attr", None)) in LAZY_NAMES
    ):
        return False
    scope = parents.get(node)
    while scope is not None:
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        scope = parents.get(scope)
    return True


def _names_in(node: ast.AST) -> list[str]:
    """Variables whose value is the text: `message`, `{"field": message}`, `MESSAGE.format()`."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Dict):
        return [value.id for value in node.values if isinstance(value, ast.Name)]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _names_in(node.func.value)
    return []


def _values_of(name: str, scope: ast.AST) -> list[ast.AST]:
    """What `name` is given in `scope`: `name = ...`, `name[key] = ...`, `name.append(...)`."""
    values: list[ast.AST] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript):
                    target = target.value
                if isinstance(target, ast.Name) and target.id == name:
                    values.append(node.value)
        elif isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            values += [node.value] if node.value else []
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("append", "add")
            and getattr(node.func.value, "id", None) == name
        ):
            values += node.args
    return values


def _followed(
    texts: list[ast.AST], tree: ast.Module, parents: dict[ast.AST, ast.AST]
) -> list[ast.AST]:
    """The texts, and for a variable in their place, the strings it is given in its
    function or the module (one step: a message kept in a constant or built in a list)."""
    found = list(texts)
    for text in texts:
        scope = parents.get(text)
        while scope is not None and not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            scope = parents.get(scope)
        for name in _names_in(text):
            found += _values_of(name, scope or tree)
            if scope is not None:
                found += [
                    value
                    for statement in tree.body
                    if isinstance(statement, ast.Assign | ast.AnnAssign)
                    for value in _values_of(name, statement)
                ]
    return found


def python_problems_in(source: str, name: str) -> list[str]:
    """`name:line: not marked for translation: 'text'` for each string people read unmarked."""
    tree = ast.parse(source, filename=name)
    api_names = _rest_framework_names(tree)
    # Each node's parent, worked out once per module (a variable's scope is looked up in it).
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    texts: list[ast.AST] = []
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            texts += _followed(_call_texts(node, api_names), tree, parents)
            texts += _model_field_verbose_name(node)
        elif isinstance(node, ast.Dict):
            texts += _display_values(node)
        elif isinstance(node, ast.BinOp) and _formatted_at_import(node, parents):
            problems.append(
                f"{name}:{node.lineno}: translated text filled in when the module is imported "
                "(it stays in English): use format_lazy or fill it in where it is shown"
            )
        elif isinstance(node, ast.ClassDef):
            texts += _class_texts(node)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr in LABEL_ATTRIBUTES for t in node.targets
        ):
            texts.append(node.value)
    unique = {(getattr(n, "lineno", 0), getattr(n, "col_offset", 0)): n for n in texts}
    for key in sorted(unique):
        text = _unmarked_text(unique[key])
        if text is not None:
            problems.append(f"{name}:{key[0]}: not marked for translation: {text!r}")
    return problems


def python_files() -> list[Path]:
    return sorted(
        path
        for path in SOURCES.rglob("*.py")
        if "migrations" not in path.parts
        and "tests" not in path.parts
        and path.name not in ENGLISH_MODULES
        and "api" not in path.parts  # a package of API modules (core/api/)
    )


def python_problems() -> list[str]:
    problems = []
    for path in python_files():
        name = str(path.relative_to(ROOT))
        problems += python_problems_in(path.read_text(encoding="utf-8"), name)
    return problems
