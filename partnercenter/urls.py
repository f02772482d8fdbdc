from django.contrib import admin
from django.urls import include, path, re_path

from . import health, views

# Parts of allauth this product does not offer, answered before allauth sees them: nobody signs up on their own, and
# sign-in is by password (404). Email addresses belong to the tenant's directory (users do not manage their own): where
# allauth sends a signed-in user to its email page (from /accounts/, say), the portal's own account page answers.
not_offered = [
    path("accounts/signup/", views.not_offered, name="account_signup"),
    path("accounts/email/", views.account_settings, name="account_email"),
    path("accounts/confirm-email/", views.not_offered, name="account_email_verification_sent"),
    re_path(r"^accounts/confirm-email/(?P<key>[-:\w]+)/$", views.not_offered, name="account_confirm_email"),
    path("accounts/login/code/confirm/", views.not_offered, name="account_confirm_login_code"),
]

# The portal's 400 page says what was wrong, in the page's language (see the view).
handler400 = views.bad_request
handler403 = views.permission_denied

# Partner Center > Customers: the list and a customer's pages, with each service's pages of that customer.
customer_pages = [
    path("", include("customers.urls")),
    path("expiring-granular-relationships/", include("admin_relationships.expiring_urls")),  # GDAP end dates
    path("admin-relationships/bulk/", include("admin_relationships.bulk_urls")),  # GDAP for several customers
    path("<uuid:tenant_id>/devices/", include("autopilot.urls")),  # Windows Autopilot
    path("<uuid:tenant_id>/azure/", include("azure_subscriptions.urls")),  # Add Azure subscription
    path("<uuid:tenant_id>/admin-relationships/", include("admin_relationships.urls")),  # GDAP
    path("admin-relationships/", include("admin_relationships.request_urls")),  # GDAP, for customers-to-be
]

# The customer's admin center: every app's pages of one tenant, in one namespace.
admin_center_pages = [
    path("", include("customers.admin_center_urls")),  # Home, Users, Roles, Subscriptions and licenses, Activity
    path("settings/partner-relationships/", include("relationships.admin_center_urls")),
    path("settings/admin-relationships/", include("admin_relationships.admin_center_urls")),  # GDAP: Remove roles
    path("azure/", include("azure_subscriptions.admin_center_urls")),  # Azure subscriptions
    path("devices/", include("autopilot.admin_center_urls")),  # Windows Autopilot
]

urlpatterns = [
    path("", views.home, name="home"),
    *not_offered,
    path("accounts/time-zone/", views.time_zone, name="time_zone"),
    path("accounts/", include("allauth.urls")),
    path("customers/", include((customer_pages, "customers"))),
    path("admin-center/<uuid:tenant_id>/", include((admin_center_pages, "admincenter"))),
    path("settings/role-templates/", include("admin_relationships.template_urls")),  # GDAP role templates
    path("settings/", include("partner_settings.urls")),
    path("", include("relationships.urls")),
    path("admin-relationships/approve/", include("admin_relationships.approval_urls")),  # the customer's GDAP link
    path("i18n/setlang/", views.language_set, name="set_language"),
    # For load balancers: open without signing in, and saying nothing but which parts answer.
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ReadyView.as_view(), name="health_ready"),
    # The local mailbox: 404 unless DEBUG is on and it is the mailer (views._mailbox_enabled).
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<int:pk>/", views.mailbox_message, name="mailbox_message"),
    path("mailbox/<int:pk>/html/", views.mailbox_message_html, name="mailbox_message_html"),
    path("admin/", admin.site.urls),
    # Partners' tools: the Graph-compatible API (/v1.0/tenantRelationships/…) and its token endpoint.
    path("", include("graph_api.urls")),
]
