"""Load the policy catalogue file into the database, idempotently.

The file is checked whole before anything is written, and written in one transaction, so a broken
file changes nothing. Rows are matched by their codes: loading the same file twice changes nothing
the second time, and a changed cap updates the row in place.
"""

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction

from applications.models import Policy, Program, ProgramOutcome, ProgramUnit, Track
from portal.accounts.models import Commission, OrganisationKind
from portal.errors import ErrorCode, PortalError

FACT_KINDS = {"money", "bool", "choice", "multichoice", "text", "date", "count"}
# `registered`: the product (the application's product_key) is recognised in another program's register; the
# portal knows it (awards' register), the applicant does not declare it.
CONDITION_TESTS = {"is_true", "is_false", "not_empty", "any_of", "registered"}
REGISTERED = "registered"
MAX_TEXT_LENGTH = 1000  # applications.facts.MAX_FACT_LENGTH: what a draft may keep of one fact
# Keys of the first catalogue, replaced by `units` (every unit the clause names, in its order; the first leads)
# and `reviewers` (which of them receive a review task).
RETIRED_PROGRAM_KEYS = {"lead": "units", "co_reviewers": "reviewers"}


@dataclass
class LoadReport:
    version: str
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    def __str__(self) -> str:
        def fmt(counts):
            return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing"

        return f"catalogue {self.version}: created {fmt(self.created)}; updated {fmt(self.updated)}"


def read_catalogue(path: Path | None = None) -> dict:
    with open(path or settings.CATALOGUE_PATH, "rb") as handle:
        data = tomllib.load(handle)
    problems = check_catalogue(data)
    if problems:
        raise PortalError(ErrorCode.CATALOGUE_INVALID, errors={None: problems})
    return data


def _money(value, where: str, problems: list[str]) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{where}: {value!r} is not an amount")
        return None
    if amount < 0:
        problems.append(f"{where}: {value!r} is negative")
    return amount


def check_catalogue(data: dict) -> list[str]:
    """Everything wrong with a catalogue file, as sentences; empty when it can be loaded."""
    problems: list[str] = []
    if not data.get("version"):
        problems.append("the catalogue has no version")
    commissions = {c.get("code") for c in data.get("commissions", [])}
    policies = {p.get("code") for p in data.get("policies", [])}
    facts = data.get("facts", {})
    for name, fact in facts.items():
        if fact.get("kind") not in FACT_KINDS:
            problems.append(f"fact {name}: kind must be one of {sorted(FACT_KINDS)}")
        length = fact.get("max_length", 100)
        if not isinstance(length, int) or not 1 <= length <= MAX_TEXT_LENGTH:
            problems.append(f"fact {name}: max_length must be a whole number from 1 to {MAX_TEXT_LENGTH}")
    # Registers a condition may name: the recognitions of the file, with their track codes.
    registers = {
        p.get("code"): {t.get("code", "") for t in program_tracks(p)}
        for p in data.get("programs", [])
        if p.get("outcome") == ProgramOutcome.RECOGNITION
    }
    seen_programs = set()
    for program in data.get("programs", []):
        code = program.get("code", "?")
        if code in seen_programs:
            problems.append(f"program {code} appears twice")
        seen_programs.add(code)
        if program.get("kind") not in data.get("kinds", {}):
            problems.append(f"program {code}: unknown kind {program.get('kind')!r}")
        outcome = program.get("outcome", ProgramOutcome.GRANT)
        if outcome not in ProgramOutcome.values:
            problems.append(f"program {code}: outcome must be one of {ProgramOutcome.values}")
        is_grant = outcome == ProgramOutcome.GRANT
        if is_grant and not program.get("overlap_group"):
            problems.append(f"program {code}: a grant needs an overlap group")
        problems += _recognition_problems(code, program, outcome)
        if program.get("policy") not in policies:
            problems.append(f"program {code}: unknown policy {program.get('policy')!r}")
        problems += _unit_problems(program, commissions)
        _money(program.get("yearly_cap"), f"program {code} yearly_cap", problems)
        for stage, days in program.get("working_days", {}).items():
            if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                problems.append(f"program {code}: working_days.{stage} must be a whole number of days, at least 1")
        tracks = program_tracks(program)
        if not tracks:
            problems.append(f"program {code} has no track")
        track_codes = [t.get("code", "") for t in tracks]
        if len(set(track_codes)) != len(track_codes):
            problems.append(f"program {code}: track codes repeat")
        if "" in track_codes and len(track_codes) > 1:
            problems.append(f"program {code}: the unnamed track must be the only one")
        asked: set[str] = set()
        for track in tracks:
            where = f"program {code} track {track.get('code') or '-'}"
            fact_names = _entry_problems(where, "fact", track_facts(program, track), facts, problems)
            asked |= fact_names
            documents = data.get("documents", {})
            _entry_problems(where, "document type", track_documents(program, track), documents, problems)
            conditions = track_conditions(program, track)
            if not isinstance(track.get("overlap_stages", []), list):
                problems.append(f"{where}: overlap_stages must be a list of stage names")
            if not is_grant:
                if any(track.get(key) for key in ("base_fact", "rate", "cap")) or program.get("yearly_cap"):
                    problems.append(f"{where}: a {outcome} program pays nothing (no base fact, rate or cap)")
            else:
                if track.get("base_fact") not in fact_names or facts[track["base_fact"]].get("kind") != "money":
                    problems.append(f"{where}: base_fact must be one of the track's money facts")
                rate = _money(track.get("rate"), f"{where} rate", problems)
                if rate is not None and rate > 1:
                    problems.append(f"{where}: rate {rate} is above 1 (rates are fractions)")
                _money(track.get("cap"), f"{where} cap", problems)
                # The estimate asks what the engine reads: a fact of the track that neither its formula nor a
                # condition uses is asked for nothing (only the filing's own facts, `estimate = false`, are not).
                used = {track.get("base_fact")} | {c.get("fact") for c in conditions}
                for name in sorted(fact_names - used):
                    if facts[name].get("estimate", True):
                        problems.append(f"{where}: fact {name} is asked, but no formula or condition of it uses it")
            for condition in conditions:
                if condition.get("test") == REGISTERED:
                    problems += _register_condition_problems(code, condition, fact_names, registers)
                elif condition.get("fact") not in fact_names:
                    problems.append(f"{where}: a condition tests {condition.get('fact')!r}, not a fact of the track")
                if condition.get("test") not in CONDITION_TESTS:
                    problems.append(f"{where}: condition test must be one of {sorted(CONDITION_TESTS)}")
                if not (condition.get("reason_en") and condition.get("reason_zh")):
                    problems.append(f"{where}: every condition needs reason_en and reason_zh")
        unknown_public = set(program.get("public_facts", [])) - asked
        if unknown_public:
            problems.append(f"program {code}: public_facts names facts it does not ask for: {sorted(unknown_public)}")
    return problems


def _unit_problems(program: dict, commissions: set) -> list[str]:
    """The responsible units: every one the clause names, once each, the first leading; the reviewers among them."""
    code = program.get("code", "?")
    problems = [
        f"program {code}: `{old}` is retired; list `{new}` instead"
        for old, new in RETIRED_PROGRAM_KEYS.items()
        if old in program
    ]
    units, reviewers = program.get("units", []), program.get("reviewers", [])
    if not units:
        problems.append(f"program {code}: no responsible unit (`units`, the lead first)")
    for unit in dict.fromkeys([*units, *reviewers]):
        if unit not in commissions:
            problems.append(f"program {code}: unknown commission {unit!r}")
    if len(set(units)) != len(units) or len(set(reviewers)) != len(reviewers):
        problems.append(f"program {code}: a unit is listed twice")
    if units and units[0] in reviewers:
        problems.append(f"program {code}: the lead {units[0]} decides; it is not one of the reviewers")
    for unit in reviewers:
        if unit not in units:
            problems.append(f"program {code}: reviewer {unit} is not one of the units the clause names")
    return problems


def _entry_problems(where: str, kind: str, entries: list, known: dict, problems: list[str]) -> set[str]:
    """Check a track's facts or documents (`kind`) against the catalogue's definitions; the names it lists."""
    names = set()
    for entry in entries:
        name = entry if isinstance(entry, str) else entry.get("name")
        if name not in known:
            problems.append(f"{where}: unknown {kind} {name!r}")
            continue
        if name in names:
            problems.append(f"{where}: {name} is listed twice")
        names.add(name)
        if isinstance(entry, dict) and "choices" in entry:
            allowed = {c["value"] for c in known[name].get("choices", [])}
            if not set(entry["choices"]) <= allowed:
                problems.append(f"{where}: fact {name} limits choices to unknown values")
    return names


def track_facts(program: dict, track: dict) -> list:
    """What a track's form asks: the track's own facts (formula, conditions), then those every track of the
    program asks (identifiers, the milestone date)."""
    return [*track.get("facts", []), *program.get("facts", [])]


def track_documents(program: dict, track: dict) -> list[str]:
    return [*track.get("documents", []), *program.get("documents", [])]


def track_conditions(program: dict, track: dict) -> list[dict]:
    return [*program.get("conditions", []), *track.get("conditions", [])]


def overlap_stages(program: dict, track: dict) -> list[str]:
    """What the track funds of a product (SPEC §5 "preferential, superior and no repetition"): the stages it
    declares, else the track itself where the program's tracks add up (overlap_per_track), else nothing, that
    is the product as a whole."""
    if "overlap_stages" in track:
        return list(track["overlap_stages"])
    return [track.get("code", "")] if program.get("overlap_per_track") else []


def _recognition_problems(code: str, program: dict, outcome: str) -> list[str]:
    """Who may apply, and how long a register entry lasts: a recognition says both; a grant has no register."""
    problems = []
    applicants = program.get("applicants", [])
    if not isinstance(applicants, list) or not set(applicants) <= set(OrganisationKind.values):
        problems.append(f"program {code}: applicants must be organisation kinds of {OrganisationKind.values}")
    years = program.get("valid_years")
    if outcome == ProgramOutcome.RECOGNITION:
        if not isinstance(years, int) or isinstance(years, bool) or years < 1:
            problems.append(f"program {code}: a recognition needs valid_years, a whole number of years")
    elif years is not None or program.get("public_facts"):
        problems.append(f"program {code}: only a recognition has a register (valid_years, public_facts)")
    return problems


def _register_condition_problems(code: str, condition: dict, fact_names: set, registers: dict) -> list[str]:
    """A `registered` condition names a recognition of the file (and maybe one of its tracks) and matches the
    application's product key against its register."""
    problems = []
    register, track = condition.get("register"), condition.get("register_track")
    if register not in registers:
        problems.append(f"program {code}: a registered condition names {register!r}, not a recognition program")
    elif track is not None and track not in registers[register]:
        problems.append(f"program {code}: {register} has no track {track!r}")
    if "product_key" not in fact_names:
        problems.append(f"program {code}: a registered condition matches the product key, which it does not ask for")
    return problems


def program_tracks(program: dict) -> list[dict]:
    """A grant lists its tracks; a recognition or channel without any has one unnamed track, the row an
    application points at."""
    if program.get("outcome", ProgramOutcome.GRANT) != ProgramOutcome.GRANT and not program.get("tracks"):
        return [{"code": ""}]
    return program.get("tracks", [])


def fact_schema(entries: list, facts: dict) -> list[dict]:
    """A track's form: each fact's full definition, with any narrowing of its choices."""
    schema = []
    for entry in entries:
        name = entry if isinstance(entry, str) else entry["name"]
        definition = {"name": name, "estimate": True, "choices": [], **facts[name]}
        if isinstance(entry, dict) and "choices" in entry:
            allowed = entry["choices"]
            definition["choices"] = [c for c in definition["choices"] if c["value"] in allowed]
        schema.append(definition)
    return schema


def _upsert(model, report: LoadReport, kind: str, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count(kind, created=True, changed=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    report.count(kind, created=False, changed=bool(changed))
    return obj


@transaction.atomic
def load_catalogue(path: Path | None = None) -> LoadReport:
    data = read_catalogue(path)
    version = data["version"]
    report = LoadReport(version)
    commissions = {}
    for row in data["commissions"]:
        commissions[row["code"]] = _upsert(
            Commission,
            report,
            "commissions",
            {"code": row["code"]},
            {
                "name_en": row["name_en"],
                "name_zh": row["name_zh"],
                "confirms_budget": row.get("confirms_budget", False),
            },
        )
    policies = {}
    confirmed = {}  # policy code -> (its amounts as the administrator confirmed them, the file's own flag)
    for row in data["policies"]:
        values = {
            key: row.get(key, "")
            for key in ["title_en", "title_zh", "document_number", "issuing_body_en", "issuing_body_zh", "source_file"]
        }
        values.update(
            effective_from=row["effective_from"],
            effective_to=row["effective_to"],
            funding_from=row.get("funding_from"),
            note_en=row.get("note_en", ""),
            note_zh=row.get("note_zh", ""),
        )
        policy = Policy.objects.filter(code=row["code"]).first()
        # An administrator's confirmation of the amounts survives a reload of the same file (and is dropped
        # below if the file's amounts changed).
        if policy is None or not policy.amounts_verified:
            values["amounts_verified"] = row.get("amounts_verified", True)
        if policy is not None and policy.amounts_verified_by_id is not None:
            confirmed[row["code"]] = (policy_amounts(policy), row.get("amounts_verified", True))
        if policy is None or any(getattr(policy, k) != v for k, v in values.items()):
            values["catalogue_version"] = version
        policies[row["code"]] = _upsert(Policy, report, "policies", {"code": row["code"]}, values)
    for row in data["programs"]:
        values = {
            "policy": policies[row["policy"]],
            "title_en": row["title_en"],
            "title_zh": row["title_zh"],
            "clause": row["clause"],
            "citation_en": row.get("citation_en", ""),
            "citation_zh": row.get("citation_zh", ""),
            "kind": row["kind"],
            "kind_label_en": data["kinds"][row["kind"]]["label_en"],
            "kind_label_zh": data["kinds"][row["kind"]]["label_zh"],
            "outcome": row.get("outcome", ProgramOutcome.GRANT),
            "summary_en": row.get("summary_en", ""),
            "summary_zh": row.get("summary_zh", ""),
            "lead": commissions[row["units"][0]],
            "yearly_cap": _money(row.get("yearly_cap"), "", []),
            "overlap_group": row.get("overlap_group", ""),
            "overlap_per_track": row.get("overlap_per_track", False),
            "stage_days": dict(row.get("working_days", {})),
            "applicants": row.get("applicants", []),
            "valid_years": row.get("valid_years"),
            "public_facts": row.get("public_facts", []),
            "note_en": row.get("note_en", ""),
            "note_zh": row.get("note_zh", ""),
        }
        existing = Program.objects.filter(code=row["code"]).first()
        if existing is None or any(getattr(existing, k) != v for k, v in values.items()):
            values["catalogue_version"] = version
        counted = report.updated.get("programs", 0)
        program = _upsert(Program, report, "programs", {"code": row["code"]}, values)
        units = [commissions[c] for c in row["units"]]
        reviewers = [commissions[c] for c in row.get("reviewers", [])]
        changed_units = _set_units(program, units, reviewers)
        if changed_units and existing is not None and report.updated.get("programs", 0) == counted:
            report.count("programs", created=False, changed=True)  # a program counts once, whatever changed
        tracks = program_tracks(row)
        for position, track in enumerate(tracks):
            _upsert(
                Track,
                report,
                "tracks",
                {"program": program, "code": track.get("code", "")},
                {
                    "title_en": track.get("title_en", ""),
                    "title_zh": track.get("title_zh", ""),
                    "base_fact": track.get("base_fact", ""),
                    "rate": _money(track.get("rate"), "", []),
                    "rate_is_ceiling": track.get("rate_is_ceiling", True),
                    "clause_cap": _money(track.get("cap"), "", []),
                    "conditions": track_conditions(row, track),
                    "fact_schema": fact_schema(track_facts(row, track), data["facts"]),
                    "document_types": [{"code": d, **data["documents"][d]} for d in track_documents(row, track)],
                    "overlap_stages": overlap_stages(row, track),
                    "note_en": track.get("note_en", ""),
                    "note_zh": track.get("note_zh", ""),
                    "position": position,
                },
            )
        program.tracks.exclude(code__in=[t.get("code", "") for t in tracks]).delete()
    for code, (amounts, file_verified) in confirmed.items():
        if policy_amounts(policies[code]) != amounts:
            # The administrator confirmed other amounts than the file now gives: not verified any more.
            _upsert(Policy, report, "policies", {"code": code}, UNCONFIRMED | {"amounts_verified": file_verified})
    return report


def _set_units(program: Program, units: list[Commission], reviewers: list[Commission]) -> bool:
    """Write the clause's units in its order and the review list; whether anything changed."""
    have = [row.commission_id for row in program.unit_rows.order_by("position")]
    changed = have != [unit.pk for unit in units]
    if changed:
        program.unit_rows.all().delete()
        ProgramUnit.objects.bulk_create(
            ProgramUnit(program=program, commission=unit, position=position) for position, unit in enumerate(units)
        )
    if set(program.co_reviewers.all()) != set(reviewers):
        program.co_reviewers.set(reviewers)
        changed = True
    return changed


UNCONFIRMED = {"amounts_verified_by": None, "amounts_verified_at": None, "amounts_verified_against": ""}


def policy_amounts(policy: Policy) -> list[tuple]:
    """What an administrator confirms: every program's yearly cap and every track's formula."""
    return sorted(
        Track.objects.filter(program__policy=policy).values_list(
            "program__code", "program__yearly_cap", "code", "base_fact", "rate", "rate_is_ceiling", "clause_cap"
        )
    )
