from django.urls import path

from . import views

app_name = "relationships"

urlpatterns = [
    path("relationships/requests/", views.request_list, name="request_list"),
    path("relationships/requests/new/", views.request_new, name="request_new"),
    path("relationships/requests/<uuid:public_id>/send/", views.request_send, name="request_send"),
    path("relationships/requests/<uuid:public_id>/done/", views.request_done, name="request_done"),
    path("relationships/requests/<uuid:public_id>/shared/", views.request_shared, name="request_shared"),
    path("relationships/requests/<uuid:public_id>/reissue/", views.request_reissue, name="request_reissue"),
    path("relationships/requests/<uuid:public_id>/revoke/", views.request_revoke, name="request_revoke"),
    path("relationships/requests/<uuid:public_id>/discard/", views.request_discard, name="request_discard"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<str:token>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/decline/", views.invitation_decline, name="invitation_decline"),
    path("invitations/<str:token>/new-organization/", views.invitation_signup, name="invitation_signup"),
]
