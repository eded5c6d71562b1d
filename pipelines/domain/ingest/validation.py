"""Great Expectations suites for parsed response frames (GX 1.x on pandas).

Every row is validated, never a sample. GX is imported lazily because its
import takes seconds and must not slow down loading the Dagster definitions.
Failing rows come back as `RowIssue`s, with the record number from the export,
the column, the rule and a message a person can act on. Item and comment values
are never copied into an issue: only what kind of value was found.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

INDEX_COLUMN = "record_number"
_lock = threading.Lock()
_serial = itertools.count(1)


@dataclass(frozen=True)
class RowIssue:
    record_number: int
    column: str
    rule: str
    message: str


@dataclass(frozen=True)
class ColumnRule:
    """One expectation on one column of the parsed frame."""

    column: str
    rule: str  # in_set | not_null | between | unique
    describe: str  # what was expected, in words
    value_set: tuple[str, ...] = ()
    min_value: Any = None
    max_value: Any = None
    export_column: str = ""  # the column's name in the export, for messages
    copy_values: bool = False  # False for items and comments: never echo answers
    missing: str = "the value is missing"  # what a failing not_null found, in words


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("tandem")
        .add_dataframe_asset("parsed_frame")
        .add_batch_definition_whole_dataframe("whole_frame")
    )
    return gx, context, batch


def _expectation(gx, rule: ColumnRule):
    if rule.rule == "in_set":
        return gx.expectations.ExpectColumnValuesToBeInSet(
            column=rule.column, value_set=list(rule.value_set)
        )
    if rule.rule == "not_null":
        return gx.expectations.ExpectColumnValuesToNotBeNull(column=rule.column)
    if rule.rule == "between":
        return gx.expectations.ExpectColumnValuesToBeBetween(
            column=rule.column, min_value=rule.min_value, max_value=rule.max_value
        )
    if rule.rule == "unique":
        return gx.expectations.ExpectColumnValuesToBeUnique(column=rule.column)
    raise ValueError(f"unknown rule {rule.rule!r}")


#: Validation definitions by their rules: files checked by the same rules (the exports of one
#: wave) share one suite, which GX would otherwise serialize again for every expectation.
_definitions: dict[tuple[ColumnRule, ...], Any] = {}
_MAX_DEFINITIONS = 256


def _definition(rules: tuple[ColumnRule, ...], suite_name: str):
    found = _definitions.get(rules)
    if found is None:
        gx, context, batch = _context()
        if len(_definitions) >= _MAX_DEFINITIONS:
            _definitions.clear()
        name = f"{suite_name} #{next(_serial)}"
        suite = context.suites.add(gx.ExpectationSuite(
            name=name, expectations=[_expectation(gx, rule) for rule in rules]))
        found = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite))
        _definitions[rules] = found
    return found


def validate_frame(frame: pd.DataFrame, rules: list[ColumnRule], suite_name: str) -> list[RowIssue]:
    """Run one GX suite over every row of `frame`; return one issue per failing cell."""
    if frame.empty or not rules:
        return []
    by_key = {(rule.rule, rule.column): rule for rule in rules}
    with _lock:  # the ephemeral context is shared; GX suites are not thread-safe to register
        definition = _definition(tuple(rules), suite_name)
        result = definition.run(
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [INDEX_COLUMN],
                "return_unexpected_index_query": False,
            },
        )
    issues: list[RowIssue] = []
    for outcome in result.results:
        if outcome.success:
            continue
        kind = outcome.expectation_config.type
        column = outcome.expectation_config.kwargs.get("column")
        rule = by_key[(_RULE_OF_TYPE[kind], column)]
        for hit in outcome.result.get("unexpected_index_list") or []:
            issues.append(
                RowIssue(
                    record_number=int(hit[INDEX_COLUMN]),
                    column=rule.export_column or column,
                    rule=rule.rule,
                    message=_message(rule, hit.get(column)),
                )
            )
    return issues


_RULE_OF_TYPE = {
    "expect_column_values_to_be_in_set": "in_set",
    "expect_column_values_to_not_be_null": "not_null",
    "expect_column_values_to_be_between": "between",
    "expect_column_values_to_be_unique": "unique",
}


def _message(rule: ColumnRule, value: Any) -> str:
    if rule.rule == "not_null":
        return f"{rule.missing} (expected {rule.describe})"
    if rule.rule == "unique":
        return f"the value appears more than once (expected {rule.describe})"
    if rule.copy_values:
        found = f'"{value}"'
    else:
        found = _kind_of(value)
    return f"{found} is not {rule.describe}"


def _kind_of(value: Any) -> str:
    """Describe an answer without repeating it (answers may identify people)."""
    text = str(value).strip()
    try:
        float(text)
    except ValueError:
        return "the text found"
    return "the number found"
