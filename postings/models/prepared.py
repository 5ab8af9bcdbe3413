"""Reads whose SQL Django compiles once per process.

Django builds a queryset's SQL afresh each time one runs. For the posting page's two reads,
a visible posting with its company (51 columns) and the five similar roles, building took
1.0-1.1 ms each: more than PostgreSQL took to answer them (0.1-0.6 ms warm). A `Prepared`
read compiles its queryset once, with stand-in arguments, then runs that SQL with each
call's arguments and makes the model instances as Django's own iterator does (deferred
fields, select_related and the database's converters included), so the queryset stays the
one definition of the read: visible() and listing() are not written out again in SQL.

What a builder returns must compile to the same SQL for every argument, and pass each
argument to it as it is: compare a column with a value, or with an array parameter
(PostingQuerySet.with_ids). It must not go `__in` a list, whose SQL has a placeholder per
item (and none when the list is empty), nor compute from an argument (`now - a week`), which
would be kept as a constant. It is compiled twice, with two sets of stand-ins, and refused
unless the SQL is the same and every parameter is either an argument or the same constant.

PostgreSQL is spared its planning too: 0.2-0.4 ms a read, as long as running a warm read by
primary key takes. Each database session gets the SQL once, as a prepared statement, and
then only its arguments. The statement is prepared in the round trip of its first
execution, so a read is one query whether or not its session has seen it before. Prepared
statements belong to a session, so a pooler in transaction mode (PgBouncer's) in front of
PostgreSQL would not do; the board connects to PostgreSQL directly.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Stand-ins for the arguments while compiling: values no real argument or constant has, so
# where each lands among the SQL's parameters shows which parameter is which argument.
_STAND_INS: dict[type, Callable[[int], object]] = {
    int: lambda n: -(2**62) - n,
    datetime: lambda n: datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC) + timedelta(microseconds=n),
    list: lambda n: [-(2**62) - n],
}
_SECOND_SET = 1_000  # the second compile's stand-ins: the first's, moved this far
_names = itertools.count(1)
# PostgreSQL plans a prepared statement anew for each of its first five runs, then keeps a
# generic plan only if that looks no dearer than theirs. For `id = ANY($n)` it never does (it
# guesses the array's length), so the rows of a list were planned on every read: 0.28 ms of
# a 5-row read, for the same index scan the generic plan makes (EXPLAIN EXECUTE, both
# ways). So the session's prepared statements (only these: Django prepares none) use the
# generic plan. A SET, unlike a PREPARE, is undone by a rollback: then plans are made per
# run again, as before, which is slower, never wrong.
_GENERIC = "SET plan_cache_mode = force_generic_plan"


class Prepared:
    """`Prepared(build, int, datetime)(5, now)` gives what `list(build(5, now))` gives."""

    def __init__(self, build: Callable[..., QuerySet], *argument_types: type) -> None:
        self.build = build
        self.argument_types = argument_types
        self._compiled: _Compiled | None = None

    def __call__(self, *arguments: Any) -> list[Model]:
        compiled = self._compiled or self._compile()
        params = [
            arguments[slot] if slot is not None else constant for slot, constant in compiled.params
        ]
        connection = connections[compiled.db]
        with connection.cursor() as cursor:
            rows = compiled.run(cursor, connection.connection, params)
        if compiled.converters:
            rows = compiled.convert(rows, connection)
        return [compiled.instance(row) for row in rows]

    def _compile(self) -> _Compiled:
        first, second = (
            [_STAND_INS[kind](n + offset) for n, kind in enumerate(self.argument_types)]
            for offset in (0, _SECOND_SET)
        )
        compiled = _Compiled(self.build(*first), first)
        # A parameter made from an argument is no argument, and differs between the two.
        if _Compiled(self.build(*second), second).shape != compiled.shape:
            raise ValueError(f"The SQL must take the arguments as they are: {compiled.sql}")
        self._compiled = compiled
        return compiled


class _Compiled:
    def __init__(self, queryset: QuerySet, stand_ins: list[object]) -> None:
        if queryset._known_related_objects:
            raise ValueError("A prepared read makes plain rows: no reverse joins.")
        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = compiler.as_sql()
        self.params: list[tuple[int | None, object]] = []
        for value in params:
            slot = next((n for n, s in enumerate(stand_ins) if value == s), None)
            self.params.append((slot, value))
        used = {slot for slot, _ in self.params}
        if used - {None} != set(range(len(stand_ins))):
            raise ValueError(f"Every argument must reach the SQL: {self.sql}")
        self._numbered_sql = _numbered(self.sql)
        self._placeholders = ", ".join(["%s"] * len(params))
        # The statement each session (a DB-API connection) runs: a session ends with its
        # connection, and Django reconnects with a new one.
        self._sessions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model, self.start, self.end = klass_info["model"], start, end
        self.init_list = [column[0].target.attname for column in select[start:end]]
        self.related = get_related_populators(klass_info, select, self.db)
        # Annotations become attributes, as Django's ModelIterable sets them.
        self.annotations = list(compiler.annotation_col_map.items())
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])

    def run(self, cursor, session, params: list) -> list[tuple]:
        """The rows for `params`, from the statement prepared on `session`, preparing it in
        the same round trip on the session's first call."""
        execute = self._sessions.get(session)
        if execute is not None:
            cursor.execute(execute, params)
            return cursor.fetchall()
        # A new name each try: a try that failed after its PREPARE left that name taken.
        name = f"prepared_read_{next(_names)}"
        execute = f"EXECUTE {name}({self._placeholders})"
        cursor.execute(f"{_GENERIC}; PREPARE {name} AS {self._numbered_sql}; {execute}", params)
        rows = cursor.fetchall()
        self._sessions[session] = execute
        return rows

    @property
    def shape(self) -> tuple[str, list[tuple[int | None, object]]]:
        """The SQL and its parameters, each an argument's slot or a constant's value."""
        return self.sql, [
            (slot, None if slot is not None else value) for slot, value in self.params
        ]

    def convert(self, rows: list[tuple], connection) -> list[tuple]:
        """What SQLCompiler.apply_converters does, with this call's connection."""
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in self.converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted

    def instance(self, row: tuple) -> Model:
        obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
        for populator in self.related:
            populator.populate(row, obj)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj


def _numbered(sql: str) -> str:
    """Django's SQL with PostgreSQL's numbered parameters ($1, $2...) for its %s. Its %% stay:
    the driver turns them into % as it sends the PREPARE with the EXECUTE's parameters."""
    numbers = itertools.count(1)
    return re.sub(r"%[%s]", lambda m: m.group() if m.group() == "%%" else f"${next(numbers)}", sql)
