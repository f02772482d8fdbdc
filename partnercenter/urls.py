from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("customers/", include("customers.urls")),
    path("", include("relationships.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<int:pk>/", views.mailbox_message, name="mailbox_message"),
    path("mailbox/<int:pk>/html/", views.mailbox_message_html, name="mailbox_message_html"),
    path("admin/", admin.site.urls),
]
