"""Filters for the widget templates in templates/django/forms/widgets/, which give
the markup of Django's own: the attribute loop and a select's options in Python, so
a select of a hundred options renders as one template, not two hundred includes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def html_attrs(attrs: dict[str, Any]) -> SafeString:
    """What django/forms/widgets/attrs.html renders: ` name="value"` per attribute,
    in order, the name alone for True and nothing for False."""
    parts: list[str] = []
    for name, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not False:
            parts.append(format_html(' {}="{}"', name, value))
    return mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html


@register.filter
def options_html(optgroups: list[tuple[Any, list[dict[str, Any]], int]]) -> SafeString:
    """A select's options and option groups, as django/forms/widgets/select.html and
    select_option.html render them."""
    parts: list[str] = []
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    option["value"],
                    html_attrs(option["attrs"]),
                    option["label"],
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html
