"""Business rules for the repository: lessons, documents and their uploaded versions.

Every write checks permission, validates, records history with the user and runs in one
transaction; the search index follows through the signals registered in
`realise.knowledge.searchables`, inside that same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from realise.collaborations.models import Collaboration
from realise.core import stored_files, uploads
from realise.core.history import set_history_user
from realise.core.uploads import FileType
from realise.knowledge.extract import FileRefused, extract_text
from realise.knowledge.models import Document, DocumentVersion, Lesson

# A lesson or a document: the repository's two kinds of item.
_Item = TypeVar("_Item", Lesson, Document)

LESSON_FIELDS = (
    "collaboration",
    "initiative",
    "title",
    "stage",
    "theme",
    "what_happened",
    "what_to_repeat",
    "what_to_avoid",
    "recommendation",
    "author",
    "date",
    "visibility",
)
DOCUMENT_FIELDS = (
    "collaboration",
    "initiative",
    "kind",
    "stage",
    "title",
    "description",
    "visibility",
)


def _check_initiative(item: Lesson | Document) -> None:
    initiative = item.initiative if item.initiative_id else None
    if initiative is not None and initiative.collaboration_id != item.collaboration_id:
        raise ValidationError(
            {
                "initiative": _("%(initiative)s is not an initiative of %(collaboration)s.")
                % {"initiative": item.initiative, "collaboration": item.collaboration}
            }
        )


def _lock_collaboration(item: Lesson | Document) -> None:
    """One new lesson or document at a time for a collaboration, so that the same one sent
    twice (a double click, a resend) is seen as such."""
    list(
        Collaboration.objects.select_for_update().filter(pk=item.collaboration_id).values_list("pk")
    )


def _apply(item: Lesson | Document, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(item, name, value)


# Lessons ----------------------------------------------------------------------------------


@transaction.atomic
def create_lesson(*, user: User, **fields: Any) -> Lesson:
    lesson = Lesson(recorded_by=user)
    _apply(lesson, fields, LESSON_FIELDS)
    if not user.has_perm("knowledge.add_lesson", lesson):
        raise PermissionDenied(
            _("You may not add lessons to %(collaboration)s.")
            % {"collaboration": lesson.collaboration}
        )
    if lesson.author_id is None:
        lesson.author = getattr(user, "person", None)
    _check_initiative(lesson)
    lesson.full_clean()
    _lock_collaboration(lesson)
    if Lesson.objects.filter(
        collaboration=lesson.collaboration_id,
        title=lesson.title,
        what_happened=lesson.what_happened,
        date=lesson.date,
    ).exists():
        raise ValidationError(
            {
                "title": _(
                    "The lesson '%(title)s' is already recorded for %(collaboration)s, with "
                    "the same account of what happened."
                )
                % {"title": lesson.title, "collaboration": lesson.collaboration}
            }
        )
    set_history_user(lesson, user)
    lesson.save()
    return lesson


def _update(item: _Item, changes: dict[str, Any], fields: tuple[str, ...], *, user: User) -> _Item:
    """Change a lesson or document: its own change rule, and the add rule of the
    collaboration it moves to (a form sends the collaboration it stays in, too)."""
    noun = item._meta.model_name
    if not user.has_perm(f"knowledge.change_{noun}", item):
        raise PermissionDenied(
            (
                _("You may not change the lesson '%(item)s'.")
                if noun == "lesson"
                else _("You may not change the document '%(item)s'.")
            )
            % {"item": item}
        )
    collaboration_id = item.collaboration_id
    _apply(item, changes, fields)
    moved = item.collaboration_id != collaboration_id
    if moved and not user.has_perm(f"knowledge.add_{noun}", item):
        raise PermissionDenied(
            (
                _("You may not move lessons to %(collaboration)s.")
                if noun == "lesson"
                else _("You may not move documents to %(collaboration)s.")
            )
            % {"collaboration": item.collaboration}
        )
    _check_initiative(item)
    item.full_clean()
    set_history_user(item, user)
    item.save()
    return item


@transaction.atomic
def update_lesson(lesson: Lesson, *, user: User, **changes: Any) -> Lesson:
    return _update(lesson, changes, LESSON_FIELDS, user=user)


@transaction.atomic
def delete_lesson(lesson: Lesson, *, user: User) -> None:
    if not user.has_perm("knowledge.delete_lesson", lesson):
        raise PermissionDenied(
            _("You may not delete the lesson '%(lesson)s'.") % {"lesson": lesson}
        )
    set_history_user(lesson, user)
    lesson.delete()


# Documents --------------------------------------------------------------------------------


def check_upload(
    upload: File[bytes], *, name: str | None = None
) -> tuple[bytes, str, FileType, str]:
    """Check an upload (the one upload check) and read its text; returns (bytes, name, file
    type, extracted text).

    Raises ValidationError with a message for the person uploading when the file is too
    big, is not an accepted type judged by its content (a program renamed `report.pdf` is
    refused), would expand too far, or cannot be read in time.
    """
    try:
        checked = uploads.check_upload(upload, name=name, allowed=uploads.DOCUMENT_TYPES)
        with uploads.time_limit(settings.REALISE_UPLOAD_PARSE_SECONDS, checked.name):
            text = extract_text(checked.file_type, checked.data)
    except FileRefused as refused:
        raise ValidationError({"file": str(refused)}) from refused
    return checked.data, checked.name, checked.file_type, text


def _add_version(
    document: Document,
    upload: File[bytes],
    *,
    user: User,
    note: str = "",
    name: str | None = None,
    checked: tuple[bytes, str, FileType, str] | None = None,
) -> DocumentVersion:
    """Store the upload as the document's next version (`checked`: what `check_upload`
    found in it, when the caller has already checked it)."""
    data, stored_name, file_type, text = checked or check_upload(upload, name=name)
    # One upload at a time for a document, so that two do not take the same number.
    list(Document.objects.select_for_update().filter(pk=document.pk).values_list("pk"))
    number = (document.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=stored_name[:255],
        file_type=file_type.code,
        content_type=file_type.content_type,
        size=len(data),
        extracted_text=text,
        note=note,
        uploaded_by=user,
    )
    stored_files.store(version.file, stored_name, ContentFile(data))
    set_history_user(version, user)
    version.save()
    set_history_user(document, user)
    document.save(update_fields=["updated_at"])
    return version


@stored_files.atomic()
def create_document(
    *,
    user: User,
    upload: File[bytes],
    note: str = "",
    file_name: str | None = None,
    searchable_text: str | None = None,
    **fields: Any,
) -> Document:
    """Create a document with its first version (the uploaded file). `searchable_text`:
    what the search index holds of the file, where it must not be the file's own text (a
    report built from the register, whose file names people that its public copy does
    not: `public_copy`); the file's text otherwise."""
    document = Document()
    _apply(document, fields, DOCUMENT_FIELDS)
    if not user.has_perm("knowledge.add_document", document):
        raise PermissionDenied(
            _("You may not add documents to %(collaboration)s.")
            % {"collaboration": document.collaboration}
        )
    _check_initiative(document)
    document.full_clean()
    checked = check_upload(upload, name=file_name)
    _lock_collaboration(document)
    same = _same_document(document, checked[0])
    if same is not None:
        raise ValidationError(
            {
                "file": _(
                    "'%(file)s' is already in the repository for %(collaboration)s as "
                    "'%(document)s': upload a new version of that document instead."
                )
                % {
                    "file": checked[1],
                    "collaboration": document.collaboration,
                    "document": same,
                }
            }
        )
    set_history_user(document, user)
    document.save()
    if searchable_text is not None:
        checked = (checked[0], checked[1], checked[2], searchable_text)
    _add_version(document, upload, user=user, note=note, checked=checked)
    return document


def _same_document(document: Document, data: bytes) -> Document | None:
    """A document of the same collaboration and title already holding this very file."""
    versions = DocumentVersion.objects.filter(
        document__collaboration=document.collaboration_id,
        document__title=document.title,
        size=len(data),
    ).select_related("document")
    for version in versions:
        try:
            with version.file.open("rb") as stored:
                if stored.read() == data:
                    return version.document
        except OSError:  # its file is missing: nothing to compare
            continue
    return None


@stored_files.atomic()
def upload_version(
    document: Document,
    *,
    user: User,
    upload: File[bytes],
    note: str = "",
    file_name: str | None = None,
) -> DocumentVersion:
    """Add a new version of a document; earlier versions are kept."""
    if not user.has_perm("knowledge.change_document", document):
        raise PermissionDenied(
            _("You may not upload versions of '%(document)s'.") % {"document": document}
        )
    return _add_version(document, upload, user=user, note=note, name=file_name)


@transaction.atomic
def update_document(document: Document, *, user: User, **changes: Any) -> Document:
    return _update(document, changes, DOCUMENT_FIELDS, user=user)


@transaction.atomic
def delete_document(document: Document, *, user: User) -> None:
    """Delete a document, its versions and their files (the files once the delete commits)."""
    if not user.has_perm("knowledge.delete_document", document):
        raise PermissionDenied(
            _("You may not delete the document '%(document)s'.") % {"document": document}
        )
    files = [version.file for version in document.versions.all() if version.file]
    set_history_user(document, user)
    for version in document.versions.all():
        set_history_user(version, user)
        version.delete()
    document.delete()

    def remove_files() -> None:
        for file in files:
            if file.name:  # a file is truthy exactly when it has a name
                file.storage.delete(file.name)

    transaction.on_commit(remove_files)


# Public copies ------------------------------------------------------------------------------

# A file built from the register when it was stored (a closure report) may name people, as
# its signed-in readers see them. A higher app that stores such a file tells how to build
# the public's copy of a version of it, naming no one (`documents/apps.py`): bytes, or None
# when the version is not such a file (an uploaded one is served as it was uploaded).
PublicCopy = Callable[[DocumentVersion], bytes | None]
_public_copies: list[PublicCopy] = []


def register_public_copy(build: PublicCopy) -> PublicCopy:
    """Add a builder of the public's copy of stored files (see `public_copy`)."""
    if build not in _public_copies:
        _public_copies.append(build)
    return build


def public_copy(version: DocumentVersion) -> bytes | None:
    """The copy of `version` for a visitor who is not signed in, when it is a file built
    from the register that names people (`shows_people`); None to serve the stored file."""
    for build in _public_copies:
        content = build(version)
        if content is not None:
            return content
    return None
