"""WCAG 2.1 AA checks with axe-core (vendored in vendor/axe-core, MPL-2.0).

The script is evaluated through the DevTools protocol, which the page's CSP does
not govern, so the check needs no exception in the policy."""

from pathlib import Path
from typing import Any

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[str]:
    """Each WCAG 2.1 A/AA violation on the current page, as 'rule: target …'."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        f"{violation['id']}: {', '.join(str(node['target']) for node in violation['nodes'][:5])}"
        for violation in result["violations"]
    ]
