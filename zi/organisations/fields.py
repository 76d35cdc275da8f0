"""Form fields and helpers every form about a unit's records shares: date inputs the browser fills, the one
notes field, the unit's staff as choices, and an edit form's starting values."""

from __future__ import annotations

from typing import Any

from django import forms

from zi.organisations.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def text_area(label: Any, rows: int, *, required: bool = False) -> forms.CharField:
    """A free-text field of ``rows`` lines (optional unless ``required``): the one shape of every notes field here."""
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), required=required)


def staff_choices(unit: Unit) -> list[tuple[int, str]]:
    return [
        (person.pk, f"{person.full_name}{' · ' + person.position if person.position else ''}")
        for person in unit.staff.filter(is_active=True).order_by("full_name")
    ]


class StaffMultipleField(forms.TypedMultipleChoiceField):
    """Checkboxes of the unit's staff; any submitted id is passed on so the service can name who is not staff."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, widget=forms.CheckboxSelectMultiple, required=False, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit()


class StaffChoiceField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit()


def record_initial(record: Any, form_class: type[forms.Form], **values: Any) -> dict[str, Any]:
    """An edit form's starting values: the record's attributes named like the form's fields, but for the fields
    given in ``values`` (a foreign key's id, a list, a value shown otherwise than stored)."""
    return {name: values[name] if name in values else getattr(record, name) for name in form_class.base_fields}
