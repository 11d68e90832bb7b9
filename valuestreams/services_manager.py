"""Writes of the manager's pages: moving a board card, a card from a step, decision-right links."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from departments.models import DecisionRight

from .models import Handoff, Improvement, ImprovementStatus, Step

#: Where a card made from a step's text starts: in the middle, until people rate it.
NEW_CARD_IMPACT = 3
NEW_CARD_EFFORT = 3
TITLE_MAX = 200


def improvement_move(
    *, improvement: Improvement, status: ImprovementStatus, today: dt.date | None = None
) -> Improvement:
    """Put a card in the column `status` in one UPDATE; returns the card as stored.

    A card moved to done gets today as its done date unless it has one; a card
    moved out of done loses it. One statement, so two people moving the same
    card at once leave it in one of their columns with a date that fits it
    (the database's `improvement_done_has_date` holds either way).
    """
    day = today or timezone.localdate()
    done = status == ImprovementStatus.DONE
    Improvement.objects.filter(pk=improvement.pk).update(
        status=status,
        done_date=Case(When(done_date__isnull=False, then=F("done_date")), default=Value(day))
        if done
        else None,
    )
    improvement.refresh_from_db(fields=["status", "done_date"])
    return improvement


def improvement_from_step(
    *, step: Step, text: str, user_id: int | None
) -> tuple[Improvement, bool]:
    """A card on the board for one pain point or opportunity of `step`, linked to it.

    Returns (card, created): a second click on the same text finds the card made
    by the first instead of making another.
    """
    title = " ".join(text.split())[:TITLE_MAX]
    existing = Improvement.objects.filter(step=step, title=title).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            card = Improvement.objects.create(
                workspace_id=step.map.workspace_id,
                map_id=step.map_id,
                step=step,
                title=title,
                impact=NEW_CARD_IMPACT,
                effort=NEW_CARD_EFFORT,
                created_by_id=user_id,
            )
    except IntegrityError:
        # Someone made the same card between the lookup and the insert.
        return Improvement.objects.get(step=step, title=title), False
    return card, True


def decision_right_link(
    *, right: DecisionRight, step_ids: list[int], handoff_ids: list[int]
) -> None:
    """Make exactly these steps and handoffs (of the right's workspace) depend on `right`.

    Steps and handoffs that named `right` and are not listed any more are
    released; the listed ones name `right` from now on (replacing another right
    they named). Ids of another workspace are ignored. Map versions are not
    bumped: the map's analysis does not use decision rights, the portfolio reads
    them fresh.
    """
    workspace_id = right.workspace_id
    with transaction.atomic():
        for model, ids in ((Step, step_ids), (Handoff, handoff_ids)):
            mine = model.objects.filter(map__workspace_id=workspace_id)
            mine.filter(decision_right=right).exclude(pk__in=ids).update(decision_right=None)
            mine.filter(pk__in=ids).update(decision_right=right)
