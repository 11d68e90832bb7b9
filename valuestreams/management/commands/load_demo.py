"""`manage.py load_demo`: the "Demo municipality" workspace, safe to run again.

Departments with their identity, personas, decision rights (one unclear), two
shared goals with KPI readings, the demo maps from `valuestreams/demo/*.json`
and improvements on them. A demo login is created only when DEBUG is on.

`--language nl` loads the same workspace in Dutch as "Gemeente Voorbeeld", `--language de`
in German as "Gemeinde Musterstadt": every text below and in the map files goes through
`valuestreams/demo/translations/<language>.json` (English text → translated text), so all
demos have the same maps, numbers and structure. A text missing from that table stops the
command with the list of missing texts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from departments.models import (
    KPI,
    DecisionRight,
    Department,
    GoalParticipant,
    KPIReading,
    Membership,
    Role,
    SharedGoal,
    Workspace,
)
from journeys.models import Persona
from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_import
from valuestreams.models import (
    Handoff,
    Improvement,
    KPIMapMetric,
    Map,
    MapMetric,
    MetricUnit,
    Step,
)

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
SLUG = "demo"
DEMO_PASSWORD = "crosswalk-demo"

DEPARTMENTS: list[dict[str, str]] = [
    {"name": "HR", "short_name": "HR", "color": "#4C78A8",
     "recognised_for": "Careful, fair contracts and a warm introduction programme.",
     "core_tasks": "Recruitment, contracts, onboarding programme, personnel files.",
     "strengths": "Knows every manager; trusted with personal data.",
     "weaknesses": "Sees onboarding as done when the contract is signed.",
     "contact": "hr@demo.example"},
    {"name": "IT", "short_name": "IT", "color": "#F58518",
     "recognised_for": "Stable systems and secure accounts.",
     "core_tasks": "Accounts and access rights, laptops, network, applications.",
     "strengths": "Strong security practice; automated laptop imaging.",
     "weaknesses": "Works ticket by ticket; cannot see the start date of a new hire.",
     "contact": "it@demo.example"},
    {"name": "Facilities", "short_name": "FAC", "color": "#54A24B",
     "recognised_for": "A building that works: desks, badges, moves.",
     "core_tasks": "Workplaces, badges and access, moves, catering.",
     "strengths": "Hands-on, fast once a job is clear.",
     "weaknesses": "Plans per floor, not per person.",
     "contact": "facilities@demo.example"},
    {"name": "Service Desk", "short_name": "SD", "color": "#B279A2",
     "recognised_for": "The friendly first point of contact for staff and citizens.",
     "core_tasks": "Answer calls and chats, log tickets, hand over equipment.",
     "strengths": "Sees every problem first.",
     "weaknesses": "Has no view into other departments' cases.",
     "contact": "servicedesk@demo.example"},
    {"name": "Finance", "short_name": "FIN", "color": "#E45756",
     "recognised_for": "Budgets kept and audits passed.",
     "core_tasks": "Budget approval, payments, charging costs.",
     "strengths": "Precise and reliable.",
     "weaknesses": "Monthly decision rhythm slows everything that needs a budget.",
     "contact": "finance@demo.example"},
    {"name": "Communications", "short_name": "COM", "color": "#72B7B2",
     "recognised_for": "Clear website and news for residents.",
     "core_tasks": "Website, publications, internal news.",
     "strengths": "Writes plainly; owns the website.",
     "weaknesses": "Hears about process changes last.",
     "contact": "comms@demo.example"},
    {"name": "Permits", "short_name": "PER", "color": "#9D755D",
     "recognised_for": "Lawful, well-founded decisions on permits.",
     "core_tasks": "Assess applications, gather advice, decide and enforce.",
     "strengths": "Deep legal knowledge.",
     "weaknesses": "Case status is invisible outside the team.",
     "contact": "permits@demo.example"},
]  # fmt: skip

PERSONAS = [
    {"name": "Sanne, new policy advisor", "kind": "employee",
     "description": "28, starts her first job at the municipality after a traineeship.",
     "goals": "Be productive in week one; make a good first impression.",
     "frustrations": "Waiting for a laptop and access while colleagues are busy."},
    {"name": "Ahmed, organises a neighbourhood festival", "kind": "customer",
     "description": "Volunteer, organises a yearly street festival for 300 neighbours.",
     "goals": "Get the permit in time, without surprises.",
     "frustrations": "Unclear rules, no status updates, being sent from desk to desk."},
]  # fmt: skip

DECISION_RIGHTS: list[tuple[str, str, str, list[str]]] = [
    ("Role profile and access rights of a new hire", "Who decides which systems a new hire may use.", "unclear", ["HR", "IT"]),
    ("Laptop model and stock", "", "owned", ["IT"]),
    ("Desk assignment", "", "owned", ["Facilities"]),
    ("Move budget", "Approval of moving costs above 5,000 euro.", "shared", ["Finance", "Facilities"]),
    ("Event permit conditions", "", "owned", ["Permits"]),
    ("What residents are told about case status", "Who may tell a resident where their case stands.", "unclear", ["Service Desk", "Permits", "Communications"]),
]  # fmt: skip

MAP_FILES = ["onboarding_current.json", "office_move.json", "event_permit.json"]
FUTURE_OF = {"onboarding_future.json": "onboarding_current.json"}


def _goals(today: dt.date) -> list[dict[str, Any]]:
    """The two shared goals with participants (by English department name) and KPI readings."""
    return [
        {
            "title": "Every new hire productive on day one",
            "why": "Onboarding crosses HR, IT, Facilities and the Service Desk; each did its "
            "part, yet new colleagues lost their first days. We share the result.",
            "orchestrator": "HR",
            "status": "active",
            "due": today + dt.timedelta(days=120),
            "participants": [("HR", "lead", 40, 40), ("IT", "contributor", 30, 30),
                             ("Facilities", "contributor", 15, 15),
                             ("Service Desk", "contributor", 15, 15)],
            "kpis": [("New hires with working laptop and access on day one", "%", 45, 95,
                      "higher", [45, 52, 61, 70]),
                     ("Lead time from signed offer to ready (working days)", "days", 32, 12,
                      "lower", [32, 31, 29, 27])],
        },
        {
            "title": "Event permits decided within four weeks",
            "why": "Organisers call the Service Desk for news because Permits' progress is "
            "invisible; Communications publishes rules that contradict each other.",
            "orchestrator": "Permits",
            "status": "proposed",
            "due": today + dt.timedelta(days=200),
            "participants": [("Permits", "lead", 50, 40), ("Service Desk", "contributor", 20, 20),
                             ("Communications", "contributor", 15, 20),
                             ("Finance", "contributor", 15, 20)],
            "kpis": [("Lead time from first search to the event (working days)", "days", 65, 30,
                      "lower", [65, 63]),
                     ("Status calls per application", "calls", 2.4, 0.5, "lower", [2.4, 2.1])],
        },
    ]  # fmt: skip


def _improvements(today: dt.date) -> list[tuple[Any, ...]]:
    """(title, map file, step title, impact, effort, status, owner, done date)."""
    return [
        ("Role profile in the preboarding form", "onboarding_current.json", "Request accounts, laptop and desk", 5, 2, "doing", "HR", None),
        ("Ready-for-day-one check two days before the start", "onboarding_current.json", "Welcome at the desk, hand over laptop", 5, 1, "done", "Service Desk", today - dt.timedelta(days=12)),
        ("Keep ten imaged laptops in stock", "onboarding_current.json", "Order and image laptop", 4, 2, "done", "IT", today - dt.timedelta(days=40)),
        ("Headcount and date fields on the move request form", "office_move.json", "Log move request", 4, 1, "idea", "Service Desk", None),
        ("Budget approval by mandate below 5,000 euro", "office_move.json", "Approve budget", 4, 3, "idea", "Finance", None),
        ("Case status visible to the Service Desk", "event_permit.json", "Call to ask about the status", 5, 4, "planned", "Permits", None),
        ("One event page with checklist and deadline", "event_permit.json", "Search the website for rules", 3, 1, "idea", "Communications", None),
    ]  # fmt: skip


@dataclass(frozen=True)
class Edition:
    """One language's demo: its workspace and how its texts are written."""

    slug: str
    name: str
    description: str
    language: str  # the workspace's default language; "" for the English demo
    table: dict[str, str]

    def text(self, english: str) -> str:
        """The text in this edition's language (English texts are their own table)."""
        if not english or not self.language:
            return english
        return self.table[english]


def edition(language: str) -> Edition:
    """The English demo or a translated one from `valuestreams/demo/<language>.json`."""
    if language == "en":
        return Edition(
            SLUG,
            "Demo municipality",
            "A mid-sized municipality mapping onboarding, office moves and event permits "
            "across its departments.",
            "",
            {},
        )
    data = json.loads((DEMO_DIR / "translations" / f"{language}.json").read_text("utf-8"))
    meta: dict[str, str] = data["workspace"]
    return Edition(meta["slug"], meta["name"], meta["description"], language, data["texts"])


def translate_document(data: dict[str, Any], t: Callable[[str], str]) -> dict[str, Any]:
    """A map file with every human text passed through `t`; keys, numbers and codes kept."""
    out = dict(data)
    for key in ("name", "description", "persona"):
        if out.get(key):
            out[key] = t(out[key])
    out["departments"] = [{**d, "name": t(d["name"])} for d in data["departments"]]
    out["stages"] = [t(stage) for stage in data["stages"]]
    steps = []
    for step in data["steps"]:
        step = dict(step)
        for key in ("title", "department", "stage", "touchpoint", "description", "owner"):
            if step.get(key):
                step[key] = t(step[key])
        for key in ("pain_points", "opportunities"):
            if step.get(key):
                step[key] = [t(v) for v in step[key]]
        steps.append(step)
    out["steps"] = steps
    out["handoffs"] = [
        {**h, "label": t(h["label"])} if h.get("label") else h for h in data["handoffs"]
    ]
    return out


class Command(BaseCommand):
    help = "Create or complete the demo workspace 'Demo municipality' (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-user", action="store_true", help="do not create the demo login")
        parser.add_argument(
            "--language",
            choices=["en", "nl", "de"],
            default="en",
            help=(
                "en: 'Demo municipality' (default); nl: 'Gemeente Voorbeeld', the same in "
                "Dutch; de: 'Gemeinde Musterstadt', the same in German"
            ),
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        demo = edition(options["language"])
        try:
            workspace, created, maps = self._load(demo)
        except KeyError as missing:
            raise CommandError(
                f"valuestreams/demo/translations/{demo.language}.json has no translation for {missing}"
            ) from None
        self.stdout.write(
            f"Demo workspace {'created' if created else 'already there, completed'}: "
            f"/w/{workspace.slug}/ ({len(maps)} maps)"
        )
        if settings.DEBUG and not options["no_user"]:
            self._demo_user(workspace)

    def _load(self, demo: Edition) -> tuple[Workspace, bool, dict[str, Map]]:
        t = demo.text
        workspace, created = Workspace.objects.get_or_create(
            slug=demo.slug,
            defaults={
                "name": demo.name,
                "description": demo.description,
                "language": demo.language,
            },
        )
        departments = {}
        for d in DEPARTMENTS:
            values = {k: (v if k in ("color", "contact") else t(v)) for k, v in d.items()}
            departments[d["name"]] = Department.objects.get_or_create(
                workspace=workspace, name=values["name"], defaults=values
            )[0]
        for persona in PERSONAS:
            values = {k: (v if k == "kind" else t(v)) for k, v in persona.items()}
            Persona.objects.get_or_create(workspace=workspace, name=values["name"], defaults=values)
        for area, description, status, names in DECISION_RIGHTS:
            right, made = DecisionRight.objects.get_or_create(
                workspace=workspace,
                area=t(area),
                defaults={"description": t(description), "status": status},
            )
            if made:
                right.departments.set([departments[n] for n in names])
        maps = self._load_maps(workspace, t)
        self._load_goals(workspace, departments, t)
        self._load_improvements(workspace, maps, departments, t)
        self._link_maps(workspace, maps, t)
        return workspace, created, maps

    def _load_maps(self, workspace: Workspace, t: Callable[[str], str]) -> dict[str, Map]:
        maps: dict[str, Map] = {}
        for filename in [*MAP_FILES, *FUTURE_OF]:
            raw = json.loads((DEMO_DIR / filename).read_text("utf-8"))
            document = parse_document(translate_document(raw, t))
            existing = Map.objects.filter(
                workspace=workspace, name=document.name, state=document.state
            ).first()
            if existing is None:
                based_on = maps.get(FUTURE_OF.get(filename, ""))
                existing = map_import(workspace=workspace, document=document, based_on=based_on)
            maps[filename] = existing
        return maps

    def _load_goals(
        self,
        workspace: Workspace,
        departments: dict[str, Department],
        t: Callable[[str], str],
    ) -> None:
        today = dt.date.today()
        for spec in _goals(today):
            goal, made = SharedGoal.objects.get_or_create(
                workspace=workspace,
                title=t(spec["title"]),
                defaults={
                    "why": t(spec["why"]),
                    "orchestrator": departments[spec["orchestrator"]],
                    "status": spec["status"],
                    "due_date": spec["due"],
                },
            )
            if not made:
                continue
            for name, role, risk, reward in spec["participants"]:
                GoalParticipant.objects.create(
                    goal=goal,
                    department=departments[name],
                    role=role,
                    risk_share_pct=risk,
                    reward_share_pct=reward,
                )
            for name, unit, baseline, target, direction, values in spec["kpis"]:
                kpi = KPI.objects.create(
                    goal=goal,
                    name=t(name),
                    unit=t(unit),
                    baseline=baseline,
                    target=target,
                    direction=direction,
                )
                count = len(values)
                KPIReading.objects.bulk_create(
                    KPIReading(
                        kpi=kpi, date=today - dt.timedelta(days=30 * (count - 1 - i)), value=v
                    )
                    for i, v in enumerate(values)
                )

    def _load_improvements(
        self,
        workspace: Workspace,
        maps: dict[str, Map],
        departments: dict[str, Department],
        t: Callable[[str], str],
    ) -> None:
        if workspace.improvements.exists():
            return
        rows = _improvements(dt.date.today())
        Improvement.objects.bulk_create(
            Improvement(
                workspace=workspace,
                title=t(title),
                map=maps[filename],
                step=Step.objects.filter(map=maps[filename], title=t(step_title)).first(),
                impact=impact,
                effort=effort,
                status=status,
                owner=departments[owner].name,
                done_date=done,
            )
            for title, filename, step_title, impact, effort, status, owner, done in rows
        )

    def _link_maps(
        self, workspace: Workspace, maps: dict[str, Map], t: Callable[[str], str]
    ) -> None:
        """Tie the maps to the goals and decision rights, so the dashboard can tell the story.

        The onboarding rework loop exists because nobody decides the role profile;
        status calls exist because nobody decides what residents are told.
        """
        onboarding = maps["onboarding_current.json"]
        permit = maps["event_permit.json"]
        rights = {r.area: r for r in workspace.decision_rights.all()}
        role_profile = rights[t("Role profile and access rights of a new hire")]
        case_status = rights[t("What residents are told about case status")]
        Handoff.objects.filter(map=onboarding, rework=True).update(decision_right=role_profile)
        Step.objects.filter(map=onboarding, title=t("Create accounts and role rights")).update(
            decision_right=role_profile
        )
        Step.objects.filter(map=permit, title=t("Call to ask about the status")).update(
            decision_right=case_status
        )
        Handoff.objects.filter(
            map=permit,
            from_step__lane__department__name=t("Service Desk"),
            to_step__lane__department__name=t("Permits"),
        ).update(decision_right=case_status)
        bindings = [
            ("Lead time from signed offer to ready (working days)", onboarding),
            ("Lead time from first search to the event (working days)", permit),
        ]
        for kpi_name, map_obj in bindings:
            kpi = KPI.objects.filter(goal__workspace=workspace, name=t(kpi_name)).first()
            if kpi is not None:
                KPIMapMetric.objects.get_or_create(
                    kpi=kpi,
                    defaults={
                        "map": map_obj,
                        "metric": MapMetric.LEAD_TIME,
                        "unit": MetricUnit.WORKING_DAYS,
                    },
                )

    def _demo_user(self, workspace: Workspace) -> None:
        user_model = get_user_model()
        user, made = user_model.objects.get_or_create(username="demo")
        if made or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.is_staff = True
            user.is_superuser = True
            user.save()
        Membership.objects.update_or_create(
            workspace=workspace, user=user, defaults={"role": Role.OWNER}
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login (DEBUG only): username 'demo', password '{DEMO_PASSWORD}'"
            )
        )
