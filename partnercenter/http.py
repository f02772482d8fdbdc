"""The request type of the portal's views, for the type checker."""

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    """A request of a signed-in user. Every view is one (LoginRequiredMiddleware sends anyone else to sign in) but the
    few marked login_not_required, which take a plain HttpRequest and check request.user themselves."""

    user: User
