"""Reading the query parameters of the open feeds, each problem kept under its parameter's name."""

from django.utils.translation import gettext as _


def whole_number(params, name: str, errors: dict, *, default: int | None, low: int, high: int) -> int | None:
    """The parameter as a whole number from `low` to `high`; absent: `default`; anything else puts a
    message under `name` in `errors` and gives `default`."""
    value = params.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        errors[name] = [_("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]
        return default
    return int(value)
