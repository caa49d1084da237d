"""Filters for the widget templates in templates/django/forms/widgets/, which give
the markup of Django's own: the attribute loop and a select's options in Python, so
a select of a hundred options renders as one template, not two hundred includes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def html_attrs(attrs: dict[str, Any]) -> SafeString:
    """What django/forms/widgets/attrs.html renders: ` name="value"` per attribute,
    in order, the name alone for True and nothing for False."""
    parts = (
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )
    return format_html_join("", "{}", ((part,) for part in parts))


@register.filter
def options_html(optgroups: list[tuple[Any, list[dict[str, Any]], int]]) -> SafeString:
    """A select's options and option groups, as django/forms/widgets/select.html and
    select_option.html render them."""
    groups = []
    for group_name, options, _index in optgroups:
        rendered = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            ((o["value"], html_attrs(o["attrs"]), o["label"]) for o in options),
        )
        if group_name:
            rendered = format_html(
                '\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered
            )
        groups.append(rendered)
    return format_html_join("", "{}", ((group,) for group in groups))
