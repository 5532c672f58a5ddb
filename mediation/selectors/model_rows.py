"""Model instances from the rows of SQL written by hand, as Django would have made them.

Used where the ORM's building of a query cost more than the query on a hot path (a socket's
arrival, every request's user). A statement selects "parts": for each, an alias of a table in its
FROM clause, the model, and the attributes read. The instances are the models' (`from_db`); the
columns not read are deferred (loaded when first used)."""

import functools

from django.db import connection


def in_model_order(parts):
    """Each part's attributes in the order of the model's fields: `from_db` takes a subset of
    values in that order."""
    ordered = []
    for alias, model, attnames in parts:
        in_order = tuple(field.attname for field in model._meta.concrete_fields if field.attname in attnames)
        assert len(in_order) == len(attnames), f"{model.__name__}: not all of {attnames} are fields"
        ordered.append((alias, model, in_order))
    return tuple(ordered)


def select_columns(parts) -> str:
    """The statement's select list for `parts` (in model order)."""
    return ", ".join(
        f'{alias}."{model._meta.get_field(attname).column}"' for alias, model, attnames in parts for attname in attnames
    )


def table_name(model) -> str:
    """A model's table, quoted for SQL written by hand."""
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _converters(parts) -> list:
    """For each column, what turns the driver's value into the field's (a JSON field's text into
    its value), as Django applies it to the rows it reads. Worked out once per statement."""
    return [
        model._meta.get_field(attname).get_db_converters(connection)
        for _alias, model, attnames in parts
        for attname in attnames
    ]


def model_instances(row, parts) -> dict[str, object]:
    """Each part's instance (None where its left join found nothing), by alias."""
    row = list(row)
    for index, converters in enumerate(_converters(parts)):
        for converter in converters:
            row[index] = converter(row[index], None, connection)
    instances, start = {}, 0
    for alias, model, attnames in parts:
        values = row[start : start + len(attnames)]
        start += len(attnames)
        instances[alias] = None if values[0] is None else model.from_db(connection.alias, attnames, values)
    return instances
