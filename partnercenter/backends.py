"""How a signed-in user is loaded on every request: with its home tenant and, for a partner user, its partner.

Every partner page asks for the partner first (access.partner_of) and the page shell shows the tenant's name: loaded
with the user, in the query the session's user costs anyway, neither costs a query of its own."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import backends

from .models import User


def _user_with_partner(user_id) -> User | None:
    user = User._default_manager.select_related("tenant__partner").filter(pk=user_id).first()
    return user if user is not None and user.is_active else None


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        return _user_with_partner(user_id)


class AllauthBackend(AuthenticationBackend):
    def get_user(self, user_id):
        return _user_with_partner(user_id)
