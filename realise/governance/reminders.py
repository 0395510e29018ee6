"""Daily reminders: email (through Django's email backend) and in-app notifications.

`realise remind` runs `send_reminders()` once a day. Each reminder has a key recorded in
`ReminderLog` when it is sent, so running it again (the same day or later) never sends the
same reminder twice:

* a measurement overdue: a month with a planned value, ended more than
  REALISE_MEASUREMENT_GRACE_DAYS ago, with no actual recorded (for a benefit recorded
  force by force, until each of its forces has recorded it). One reminder per benefit
  to its measurement owner (else its owner), again whenever a further month falls overdue;
* an agreement review due in 60, 30 or 7 days: one reminder at each of those marks, to
  the collaboration's programme team and the chair of the responsible body (a mark passed
  while the command did not run is caught up once, at the nearest mark); once overdue, a
  reminder each month until a review is recorded;
* a post-implementation review due within 30 days, and again once it is overdue, to the
  initiative's SRO and the programme team;
* an action overdue (past its due date and not done), to its owner (else the programme team);
* a highlight report due: each month, from its first working day (Monday to Friday, not an
  England and Wales bank holiday: `services.first_working_day`), for every active initiative
  at the implementation stage whose report on last month is not yet written, to its SRO and
  the programme team.

Whoever a reminder names who is covered that day (organisations.Cover) has it sent to their
deputy as well.

Each email and notification is written in its recipient's language (the one their account
remembers, `language.preferred`; English for an address with no account, or none stored),
whatever the language `realise remind` runs in: a reminder's subject and text are written
out when read.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

from realise.benefits.measured import unmeasured
from realise.benefits.models import (
    Benefit,
    BenefitStatus,
    Nature,
    PlannedValue,
)
from realise.collaborations.models import (
    Agreement,
    Initiative,
    InitiativeStatus,
    Stage,
)
from realise.core import formatting, language
from realise.governance.models import Action, Notification, PostImplementationReview, ReminderLog
from realise.governance.services import (
    first_working_day,
    measured_to,
    without_written_reports,
)
from realise.organisations.models import Role
from realise.organisations.services import deputies_on

logger = logging.getLogger(__name__)

AGREEMENT_MARKS = (7, 30, 60)
REVIEW_NOTICE_DAYS = 30
ACTION_IN_SUBJECT = 60  # characters of an action's text in its reminder's subject


@dataclass
class Reminder:
    key: str
    subject: str
    text: str
    url: str
    people: list = field(default_factory=list)  # Person: emailed, and notified if a user
    users: list = field(default_factory=list)  # users: emailed and notified

    def emails(self) -> list[str]:
        """A person's own address, else that of their user account; users' addresses."""
        return sorted(self.addressees())

    def addressees(self) -> dict:
        """Each address, with the user account it belongs to (None for a person without one)."""
        found: dict = {}
        for person in self.people:
            if person is None:
                continue
            address = person.email.strip() or (person.user.email.strip() if person.user_id else "")
            if address:
                found.setdefault(address.lower(), person.user if person.user_id else None)
        for user in self.users:
            if user.email.strip():
                found[user.email.strip().lower()] = user
        return found

    def notified_users(self) -> list:
        found = {u.pk: u for u in self.users}
        for person in self.people:
            if person is not None and person.user_id and person.user.is_active:
                found.setdefault(person.user_id, person.user)
        return list(found.values())


@dataclass(frozen=True)
class Month:
    day: datetime.date


@dataclass(frozen=True)
class Days:
    count: int


def _value(value):
    if isinstance(value, Month):
        return language.month_year(value.day)
    if isinstance(value, Days):
        return formatting.days(value.count)
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return value


def _words(message: str, **params) -> str:
    """`message` (marked with gettext_noop) filled in with `params`, written out when it is read, in
    the language active then; dates and months (`Month`) in that language too."""

    def write() -> str:
        return gettext(message) % {name: _value(value) for name, value in params.items()}

    return lazy(write, str)()


def programme_team(collaboration) -> list:
    """Active users on the programme team of a collaboration (or of one it sits within)."""
    ids = [collaboration.pk, *(c.pk for c in collaboration.ancestors())]
    named = Q(
        memberships__role=Role.PROGRAMME_TEAM,
        memberships__collaborations__in=ids,
    )
    by_force = Q(
        memberships__role=Role.PROGRAMME_TEAM,
        memberships__collaborations__isnull=True,
        memberships__force__shares__collaboration_id__in=ids,
    )
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(named | by_force)
        .distinct()
        .order_by("username")
    )


# What is due -------------------------------------------------------------------------------


def overdue_planned(
    today: datetime.date,
    benefits: QuerySet | None = None,
    force_ids: Iterable[int] | None = None,
) -> QuerySet[PlannedValue]:
    """The planned months (of `benefits`, default all) whose actual is overdue: the month
    ended more than the grace period ago, the benefit is still tracked, and its actual is
    missing. The one rule of "overdue" the reminders, the data-quality check and the
    worklist share.

    When a month counts as measured is `benefits.measured.unmeasured`'s rule (with
    `force_ids`, a force benefits lead's view: those forces only), as in the engine's RAG.
    """
    cutoff = measured_to(today)
    planned = PlannedValue.objects.all()
    if benefits is not None:
        planned = planned.filter(benefit__in=benefits)
    return (
        planned.filter(
            # Benefits handed to business as usual at closure stay "realising": still tracked.
            Q(benefit__initiative__status=InitiativeStatus.ACTIVE)
            | Q(
                benefit__initiative__status=InitiativeStatus.CLOSED,
                benefit__status=BenefitStatus.REALISING,
            ),
            period__lt=cutoff,
            benefit__nature=Nature.QUANTITATIVE,
        )
        .exclude(benefit__status=BenefitStatus.CLOSED)
        .filter(unmeasured(force_ids))
    )


def overdue_rows(today: datetime.date, benefits: QuerySet | None = None) -> QuerySet:
    """Per benefit (of `benefits`, default all) with a measurement overdue (see
    `overdue_planned`): `benefit`, `months` overdue, the `earliest` and `latest` of them.
    One grouped query."""
    return (
        overdue_planned(today, benefits)
        .values("benefit")
        .annotate(months=Count("pk"), earliest=Min("period"), latest=Max("period"))
        .order_by("benefit")
    )


def overdue_measurements(today: datetime.date) -> list[Reminder]:
    rows = {row["benefit"]: row for row in overdue_rows(today)}
    benefits = Benefit.objects.filter(pk__in=rows).select_related(
        "measurement_owner__user", "owner__user", "initiative"
    )
    reminders = []
    for benefit in benefits:
        row = rows[benefit.pk]
        named = {
            "title": benefit.title,
            "reference": benefit.reference,
            "initiative": benefit.initiative,
        }
        if row["months"] == 1:
            text = _words(
                gettext_noop(
                    "Actuals for %(month)s of '%(title)s' (%(reference)s, %(initiative)s) are "
                    "overdue: please record them with their evidence."
                ),
                month=Month(row["latest"]),
                **named,
            )
        else:
            text = _words(
                gettext_noop(
                    "Actuals for the %(months)s months from %(earliest)s to %(latest)s of "
                    "'%(title)s' (%(reference)s, %(initiative)s) are overdue: please record "
                    "them with their evidence."
                ),
                months=row["months"],
                earliest=Month(row["earliest"]),
                latest=Month(row["latest"]),
                **named,
            )
        reminders.append(
            Reminder(
                key=f"measurement-overdue:{benefit.pk}:{row['latest']:%Y-%m}",
                subject=_words(
                    gettext_noop("Actuals overdue: %(reference)s %(title)s"),
                    reference=benefit.reference,
                    title=benefit.title,
                ),
                text=text,
                url=benefit.get_absolute_url(),
                people=[benefit.measurement_owner or benefit.owner],
            )
        )
    return reminders


def agreement_reviews(today: datetime.date) -> list[Reminder]:
    """Reviews due in 60, 30 or 7 days; and, once overdue, one reminder a month until a
    review is recorded (recording one moves the due date on)."""
    reminders = []
    agreements = (
        Agreement.objects.in_force()
        .filter(
            review_due__lte=today + datetime.timedelta(days=max(AGREEMENT_MARKS)),
        )
        .select_related("collaboration", "review_body__chair__user")
    )
    for agreement in agreements:
        days = (agreement.review_due - today).days
        chair = agreement.review_body.chair if agreement.review_body else None
        if days < 0:
            reminders.append(
                Reminder(
                    key=f"agreement-review-overdue:{agreement.pk}:"
                    f"{agreement.review_due:%Y-%m-%d}:{today:%Y-%m}",
                    subject=_words(
                        gettext_noop("Agreement review overdue: %(title)s"), title=agreement.title
                    ),
                    text=_words(
                        gettext_noop(
                            "The annual review of '%(title)s' (%(collaboration)s) was due on "
                            "%(due)s and has not been recorded."
                        ),
                        title=agreement.title,
                        collaboration=agreement.collaboration,
                        due=agreement.review_due,
                    ),
                    url=agreement.get_absolute_url(),
                    people=[chair] if chair else [],
                    users=programme_team(agreement.collaboration),
                )
            )
            continue
        mark = min(m for m in AGREEMENT_MARKS if days <= m)
        reminders.append(
            Reminder(
                key=f"agreement-review:{agreement.pk}:{agreement.review_due:%Y-%m-%d}:{mark}",
                subject=_words(
                    gettext_noop("Agreement review due in %(period)s: %(title)s"),
                    period=Days(days),
                    title=agreement.title,
                ),
                text=_words(
                    gettext_noop(
                        "The annual review of '%(title)s' (%(collaboration)s) is due on "
                        "%(due)s, in %(period)s."
                    ),
                    title=agreement.title,
                    collaboration=agreement.collaboration,
                    due=agreement.review_due,
                    period=Days(days),
                ),
                url=agreement.get_absolute_url(),
                people=[chair] if chair else [],
                users=programme_team(agreement.collaboration),
            )
        )
    return reminders


def post_implementation_reviews(today: datetime.date) -> list[Reminder]:
    reminders = []
    reviews = PostImplementationReview.objects.filter(
        completed_on__isnull=True,
        due_on__lte=today + datetime.timedelta(days=REVIEW_NOTICE_DAYS),
    ).select_related("initiative__collaboration", "initiative__sro__user")
    for review in reviews:
        initiative = review.initiative
        overdue = review.due_on < today
        reminders.append(
            Reminder(
                key=f"pir-{'overdue' if overdue else 'due'}:{review.pk}:{review.due_on:%Y-%m-%d}",
                subject=_words(
                    gettext_noop("Post-implementation review overdue: %(initiative)s")
                    if overdue
                    else gettext_noop("Post-implementation review due: %(initiative)s"),
                    initiative=initiative,
                ),
                text=_words(
                    gettext_noop(
                        "The post-implementation review of '%(initiative)s' was due on %(due)s."
                    )
                    if overdue
                    else gettext_noop(
                        "The post-implementation review of '%(initiative)s' is due on %(due)s."
                    ),
                    initiative=initiative,
                    due=review.due_on,
                ),
                url=initiative.get_absolute_url(),
                people=[initiative.sro] if initiative.sro else [],
                users=programme_team(initiative.collaboration),
            )
        )
    return reminders


def _shortened(text: str, most: int) -> str:
    """`text` on one line, cut to `most` characters (an ellipsis the last) when longer."""
    line = " ".join(text.split())
    return line if len(line) <= most else line[: most - 1].rstrip() + "…"


def overdue_actions(today: datetime.date) -> list[Reminder]:
    reminders = []
    actions = Action.objects.filter(done=False, due_on__lt=today).select_related(
        "owner__user", "decision__body__collaboration"
    )
    for action in actions:
        decision = action.decision
        reminders.append(
            Reminder(
                key=f"action-overdue:{action.pk}:{action.due_on:%Y-%m-%d}",
                subject=_words(
                    gettext_noop("Action overdue: %(action)s (%(body)s)"),
                    action=_shortened(action.text, ACTION_IN_SUBJECT),
                    body=decision.body,
                ),
                text=_words(
                    gettext_noop(
                        "The action '%(action)s' from %(body)s's decision of %(decided)s was due "
                        "on %(due)s."
                    ),
                    action=action.text,
                    body=decision.body,
                    decided=decision.decided_on,
                    due=action.due_on,
                ),
                url=decision.get_absolute_url(),
                people=[action.owner] if action.owner else [],
                users=[] if action.owner else programme_team(decision.body.collaboration),
            )
        )
    return reminders


def highlight_reports(today: datetime.date) -> list[Reminder]:
    """Last month's highlight report of each active initiative in implementation, from the
    first working day of this month, until it is written."""
    if today < first_working_day(today.year, today.month):
        return []
    reported = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    initiatives = without_written_reports(
        Initiative.objects.filter(status=InitiativeStatus.ACTIVE, stage=Stage.IMPLEMENTATION),
        reported,
    ).select_related("collaboration", "sro__user")
    return [
        Reminder(
            key=f"highlight-report:{initiative.pk}:{reported:%Y-%m}",
            subject=_words(
                gettext_noop("Highlight report due: %(initiative)s (%(month)s)"),
                initiative=initiative,
                month=Month(reported),
            ),
            text=_words(
                gettext_noop(
                    "The monthly highlight report for '%(initiative)s' on %(month)s is due: "
                    "benefits progress since last month."
                ),
                initiative=initiative,
                month=Month(reported),
            ),
            url=initiative.get_absolute_url(),
            people=[initiative.sro] if initiative.sro else [],
            users=programme_team(initiative.collaboration),
        )
        for initiative in initiatives
    ]


def with_deputies(reminders: list[Reminder], today: datetime.date) -> list[Reminder]:
    """A reminder to someone who is covered today goes to their deputy as well."""
    named = {person.pk for r in reminders for person in r.people if person is not None}
    deputies = deputies_on(today, named)
    for reminder in reminders:
        for person in reminder.people:
            if person is not None:
                reminder.users.extend(
                    d for d in deputies.get(person.pk, []) if d not in reminder.users
                )
    return reminders


def due_reminders(today: datetime.date) -> list[Reminder]:
    """Every reminder due on `today`, whether or not it was sent before."""
    return with_deputies(
        [
            *overdue_measurements(today),
            *agreement_reviews(today),
            *post_implementation_reviews(today),
            *overdue_actions(today),
            *highlight_reports(today),
        ],
        today,
    )


# Sending -----------------------------------------------------------------------------------


@dataclass
class RunResult:
    sent: list[Reminder] = field(default_factory=list)
    already_sent: int = 0
    no_recipient: list[Reminder] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)

    @property
    def emails(self) -> int:
        return sum(len(r.emails()) for r in self.sent)


def _message(reminder: Reminder, base_url: str) -> str:
    link = f"{base_url.rstrip('/')}{reminder.url}" if reminder.url else ""
    lines = [str(reminder.text), ""]
    if link:
        lines += [link, ""]
    lines.append(
        gettext(
            "You receive this reminder from Realise because you are named on this item. "
            "Your notifications: %(url)s"
        )
        % {"url": f"{base_url.rstrip('/')}{reverse('governance-notifications')}"}
    )
    return "\n".join(lines)


def send_reminders(
    today: datetime.date,
    *,
    dry_run: bool = False,
    base_url: str | None = None,
    reminders: Iterable[Reminder] | None = None,
) -> RunResult:
    """Send every reminder due today that was not sent before; with `dry_run`, only say which.

    Each reminder is logged, notified and mailed in one transaction: if its mail fails it is
    not logged, and the next run tries again.
    """
    base_url = settings.REALISE_BASE_URL if base_url is None else base_url
    result = RunResult()
    candidates = list(reminders if reminders is not None else due_reminders(today))
    logged = set(
        ReminderLog.objects.filter(key__in=[r.key for r in candidates]).values_list(
            "key", flat=True
        )
    )
    connection = None if dry_run else get_connection()
    for reminder in candidates:
        if reminder.key in logged:
            result.already_sent += 1
            continue
        logged.add(reminder.key)
        addressees, users = reminder.addressees(), reminder.notified_users()
        emails = sorted(addressees)
        if not emails and not users:
            result.no_recipient.append(reminder)
            continue
        if dry_run:
            result.sent.append(reminder)
            continue
        assert connection is not None  # opened above unless it is a dry run
        try:
            with transaction.atomic():
                ReminderLog.objects.create(key=reminder.key, recipients=", ".join(emails))
                codes = language.preferred([*users, *addressees.values()])
                notifications = []
                for user in users:
                    with translation.override(codes[user.pk]):
                        notifications.append(
                            Notification(user=user, text=str(reminder.subject), url=reminder.url)
                        )
                Notification.objects.bulk_create(notifications)
                messages = []
                for address in emails:
                    user = addressees[address]
                    with translation.override(codes[user.pk] if user else language.ENGLISH):
                        messages.append(
                            EmailMessage(
                                subject=f"[Realise] {reminder.subject}",
                                body=_message(reminder, base_url),
                                from_email=settings.DEFAULT_FROM_EMAIL,
                                to=[address],
                                connection=connection,
                            )
                        )
                if messages:
                    connection.send_messages(messages)
        except IntegrityError:  # another run sent it a moment ago
            result.already_sent += 1
            continue
        except Exception as error:  # noqa: BLE001 - one failed mail must not stop the rest
            logger.exception("Reminder %s failed", reminder.key)
            result.failed.append((reminder, str(error)))
            continue
        result.sent.append(reminder)
    return result
