"""Codebook: load, validate (JSON Schema + semantic checks) and answer-token tables."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from pipelines.domain.config.errors import CodebookError

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "docs" / "codebook.schema.json"
ROLES = ("item", "enps", "comment")
RESPONDENT_FIELDS = ("id", "email", "team", "timestamp", "status", "progress", "finished")
ENPS_SCALE = (0, 10)


def normalize_label(s: Any) -> str:
    """Case- and whitespace-insensitive form of a label or column text."""
    return " ".join(str(s).split()).casefold()


def _code_str(value: Any) -> str:
    """YAML numbers as the strings a CSV would hold: 1 -> "1", 1.0 -> "1", 1.5 -> "1.5"."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class ColumnRef:
    """Where an item or respondent field lives: by ``id`` or question ``text`` (+ occurrence)."""

    id: str | None = None
    text: str | None = None
    occurrence: int | None = None

    def describe(self) -> str:
        what = f"id {self.id!r}" if self.id is not None else f"text {self.text!r}"
        return what + (f" (occurrence {self.occurrence})" if self.occurrence else "")


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: tuple[str, ...] = ()
    no_answer: tuple[str, ...] = ()
    aliases: tuple[tuple[str, float], ...] = ()

    @property
    def points(self) -> int:
        return self.max - self.min + 1


@dataclass(frozen=True)
class Item:
    id: str
    construct: str | None
    reverse: bool
    role: str
    scale: Scale | None
    column: ColumnRef | None
    columns_by_wave: dict[str, ColumnRef | None] = field(default_factory=dict, hash=False)
    text: str | None = None

    def column_for(self, wave_id: str | None) -> ColumnRef | None:
        """The column reference for a wave (per-wave override, else the default)."""
        if wave_id is not None and wave_id in self.columns_by_wave:
            return self.columns_by_wave[wave_id]
        return self.column


@dataclass(frozen=True)
class Wave:
    period_start: dt.date
    close_date: dt.date
    title: str | None = None

    def __getitem__(self, key: str):
        return getattr(self, key)


@dataclass(frozen=True)
class ExcludeRules:
    status_values: tuple[str, ...] = ()
    partial_status_values: tuple[str, ...] = ("partial",)
    min_progress: float | None = None
    require_finished: bool = True
    deduplicate: bool = True


@dataclass
class Codebook:
    survey_id: str
    title: str | None
    scale: Scale
    items: list[Item]
    respondent: dict[str, ColumnRef]
    team_join: str
    exclude: ExcludeRules
    waves: dict[str, Wave]
    source: str = "<dict>"
    respondent_by_wave: dict[str, dict[str, ColumnRef]] = field(default_factory=dict)

    def respondent_for(self, wave_id: str | None) -> dict[str, ColumnRef]:
        """Respondent column references for a wave (a per-wave block replaces the default)."""
        if wave_id is not None and wave_id in self.respondent_by_wave:
            return self.respondent_by_wave[wave_id]
        return self.respondent

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    @property
    def constructs(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for it in self.items:
            if it.role == "item" and it.construct:
                out.setdefault(it.construct, []).append(it.id)
        return out


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _plain(obj: Any) -> Any:
    """YAML -> JSON-compatible: dates become ISO strings, mapping keys become strings."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, dt.date | dt.datetime):
        return obj.isoformat()[:10]
    return obj


def load_codebook(path: str | Path) -> Codebook:
    """Read a YAML (or JSON) codebook, validate it and return a Codebook.

    ``survey_id`` defaults to the name of the folder holding the codebook.
    Raises CodebookError with a message naming the file and the problem.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise CodebookError(f"codebook {path}: cannot read it ({exc})") from exc
    except yaml.YAMLError as exc:
        raise CodebookError(f"codebook {path}: not valid YAML ({exc})") from exc
    return parse_codebook(raw, source=str(path), default_survey_id=path.parent.name)


def parse_codebook(data: Any, source: str = "<dict>",
                   default_survey_id: str | None = None) -> Codebook:
    """Validate an already-loaded codebook mapping (same rules as load_codebook)."""
    data = _plain(data)
    if not isinstance(data, dict):
        raise CodebookError(f"codebook {source}: expected a mapping at the top level")
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = []
        for err in errors[:10]:
            where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
            lines.append(f"  at {where}: {err.message}")
        raise CodebookError(f"codebook {source} does not match docs/codebook.schema.json:\n"
                            + "\n".join(lines))
    problems: list[str] = []
    cb = _build(data, source, default_survey_id or "survey", problems)
    _semantic_checks(cb, data, problems)
    if problems:
        raise CodebookError(f"codebook {source} is invalid:\n"
                            + "\n".join(f"  {p}" for p in problems))
    return cb


def _ref(d: dict | None) -> ColumnRef | None:
    if d is None:
        return None
    return ColumnRef(d.get("id"), d.get("text"), d.get("occurrence"))


def _scale(d: dict, inherit_no_answer: tuple[str, ...] = ()) -> Scale:
    no_answer = tuple(_code_str(v) for v in d["no_answer"]) if "no_answer" in d else inherit_no_answer
    aliases = tuple((str(k), float(v)) for k, v in (d.get("aliases") or {}).items())
    return Scale(int(d["min"]), int(d["max"]), tuple(d.get("labels") or ()), no_answer, aliases)


def _build(data: dict, source: str, default_id: str, problems: list[str]) -> Codebook:
    base = _scale(data["scale"])
    items = []
    for d in data["items"]:
        role = d.get("role", "item")
        if role == "comment":
            scale = None
        elif "scale" in d:
            scale = _scale(d["scale"], base.no_answer)
        elif role == "enps":
            scale = Scale(*ENPS_SCALE, no_answer=base.no_answer)
        else:
            scale = base
        by_wave = {str(w): _ref(r) for w, r in (d.get("columns_by_wave") or {}).items()}
        items.append(Item(d["id"], d.get("construct"), d.get("reverse", False), role, scale,
                          _ref(d.get("column")), by_wave, d.get("text")))
    ex = data.get("exclude") or {}
    exclude = ExcludeRules(
        status_values=tuple(_code_str(v) for v in ex.get("status_values", ())),
        partial_status_values=tuple(_code_str(v) for v in ex.get("partial_status_values",
                                                                 ("partial",))),
        min_progress=ex.get("min_progress"),
        require_finished=ex.get("require_finished", True),
        deduplicate=ex.get("deduplicate", True),
    )
    waves = {}
    for wid, w in (data.get("waves") or {}).items():
        try:
            waves[wid] = Wave(dt.date.fromisoformat(w["period_start"]),
                              dt.date.fromisoformat(w["close_date"]), w.get("title"))
        except ValueError as exc:
            problems.append(f"wave {wid}: invalid date ({exc})")
    respondent = {k: _ref(v) for k, v in (data.get("respondent") or {}).items()}
    by_wave = {w: {k: _ref(v) for k, v in block.items()}
               for w, block in (data.get("respondent_by_wave") or {}).items()}
    team_join = data.get("team_join") or ("column" if "team" in respondent else "none")
    return Codebook(str(data.get("survey_id") or default_id), data.get("title"), base, items,
                    respondent, team_join, exclude, waves, source, by_wave)


def _check_scale(where: str, sc: Scale, problems: list[str]) -> None:
    if sc.min >= sc.max:
        problems.append(f"{where}: scale min ({sc.min}) must be below max ({sc.max})")
        return
    if sc.labels and len(sc.labels) != sc.points:
        problems.append(f"{where}: {len(sc.labels)} labels given for a {sc.min}-{sc.max} scale; "
                        f"expected {sc.points} (labels[i] means min+i)")
    norm = [normalize_label(x) for x in sc.labels]
    if len(set(norm)) != len(norm):
        problems.append(f"{where}: scale labels repeat (after case/space folding)")
    codes = {str(v) for v in range(sc.min, sc.max + 1)} | set(norm)
    clash = [na for na in sc.no_answer if normalize_label(na) in codes]
    if clash:
        problems.append(f"{where}: no_answer {clash} are also answers on the scale")


def _semantic_checks(cb: Codebook, data: dict, problems: list[str]) -> None:
    _check_scale("scale", cb.scale, problems)
    reserved = {"record_number", "line_number", "respondent_id", "email", "team",
                "submitted_at", "status", "progress", "finished"}
    seen: set[str] = set()
    for raw, it in zip(data["items"], cb.items, strict=True):
        where = f"item {it.id}"
        if it.id in seen:
            problems.append(f"{where}: duplicate item id")
        seen.add(it.id)
        if it.id in reserved:
            problems.append(f"{where}: the id is reserved for a respondent field")
        if not isinstance(raw.get("reverse", False), bool):
            problems.append(f"{where}: reverse must be true or false")
        if "scale" in raw and it.scale is not None:
            _check_scale(where, it.scale, problems)
        if it.role == "comment" and it.reverse:
            problems.append(f"{where}: a comment cannot be reverse-keyed")
        for wave in it.columns_by_wave:
            if cb.waves and wave not in cb.waves:
                problems.append(f"{where}: columns_by_wave names wave {wave!r}, which is not in "
                                f"waves ({', '.join(cb.waves)})")
    for construct, ids in cb.constructs.items():
        if len(ids) < 2:
            problems.append(f"construct {construct!r} has {len(ids)} item ({', '.join(ids)}); "
                            "every construct needs at least 2 items")
    for wid, w in cb.waves.items():
        if w.period_start > w.close_date:
            problems.append(f"wave {wid}: period_start {w.period_start} is after close_date "
                            f"{w.close_date}")
    needs = {"column": "team", "roster_id": "id", "roster_email": "email"}.get(cb.team_join)
    blocks = {"respondent": cb.respondent} | {f"respondent_by_wave.{w}": b
                                              for w, b in cb.respondent_by_wave.items()}
    for name, block in blocks.items():
        if needs and needs not in block:
            problems.append(f"team_join is {cb.team_join!r} but {name}.{needs} names no column")
    for wave in cb.respondent_by_wave:
        if cb.waves and wave not in cb.waves:
            problems.append(f"respondent_by_wave names wave {wave!r}, which is not in waves")


def item_tokens(item: Item, codebook: Codebook | None = None) -> dict[str, float | None]:
    """Normalized answer token -> numeric code (None = no answer) for one item.

    Holds the codes as strings ("1" and "1.0"), the labels, the aliases and the no-answer
    labels/codes. A comment item has no tokens.
    """
    sc = item.scale
    if sc is None:
        return {}
    tokens: dict[str, float | None] = {}
    for v in range(sc.min, sc.max + 1):
        tokens[str(v)] = float(v)
        tokens[f"{v}.0"] = float(v)
    for i, label in enumerate(sc.labels):
        tokens[normalize_label(label)] = float(sc.min + i)
    for label, code in sc.aliases:
        tokens[normalize_label(label)] = code
    for na in sc.no_answer:
        key = normalize_label(na)
        tokens[key] = None
        try:
            num = float(key)
        except ValueError:
            continue
        if num.is_integer():
            tokens[str(int(num))] = None
            tokens[f"{int(num)}.0"] = None
    return tokens


def wave_fingerprint(cb: Codebook, wave_id: str) -> str:
    """A digest of what parsing and validating one wave's export reads from the codebook.

    Items' display texts, the title and the other waves' dates are left out, so renaming
    an item's label or declaring the next wave re-ingests nothing. Anything that can change
    how a row of this wave is read (columns, scales, answer labels, exclusion rules, this
    wave's dates) is in.
    """
    import hashlib

    items = [(i.id, i.construct, i.reverse, i.role, i.scale, i.column_for(wave_id))
             for i in cb.items]
    respondent = sorted(cb.respondent_for(wave_id).items())
    wave = cb.waves.get(wave_id)
    shape = (cb.survey_id, cb.scale, items, respondent, cb.team_join, cb.exclude,
             bool(cb.waves), (wave.period_start, wave.close_date) if wave else sorted(cb.waves))
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:24]
