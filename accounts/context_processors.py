from django.http import HttpRequest

from accounts.models import Role


def role(request: HttpRequest) -> dict[str, object]:
    """Expose the role vocabulary so templates can branch on `user.role`."""
    return {"Role": Role}
