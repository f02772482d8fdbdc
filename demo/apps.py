from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: `manage.py demo_data` (partners, customers, relationships and sign-ins for a newcomer) and
    `manage.py totp_code` (the authenticator codes of the demo's published secrets). Apart from the product, as a
    developer's tool that every app's data passes through: nothing of the product imports it."""

    name = "demo"
