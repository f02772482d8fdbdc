"""The small product catalogue partners sell from: Microsoft 365 plans, each licensed per seat."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Product(models.TextChoices):
    M365_BUSINESS_BASIC = "m365_business_basic", _("Microsoft 365 Business Basic")
    M365_BUSINESS_STANDARD = "m365_business_standard", _("Microsoft 365 Business Standard")
    M365_BUSINESS_PREMIUM = "m365_business_premium", _("Microsoft 365 Business Premium")
    O365_E3 = "o365_e3", _("Office 365 E3")
    M365_E5 = "m365_e5", _("Microsoft 365 E5")
