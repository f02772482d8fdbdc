"""Accounts (allauth): nobody signs up on their own; users come with their tenant."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # A new customer organisation is created from an invitation link (relationships.views.invitation_signup).
        return False
