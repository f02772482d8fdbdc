"""Hostile input gets the portal's own 400 or 403 page, in the page's language, and writes nothing: a NUL character
anywhere in the address or a form (PostgreSQL cannot take one), a body over Django's size or field-count limits, a
failed CSRF check."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from partnercenter.models import AuditEvent, User

from ..conftest import staff_user

NUL = "\x00"
NUL_REASON = "a character that is not allowed (a null character)"
NUL_REASON_ZH = "網址或表單包含不允許的字元（null 字元）"


def _client(client_for, persona: str) -> Client:
    client = client_for(persona)
    # Answer like the server would: a 500 is a page, not an exception raised into the test.
    client.raise_request_exception = False
    return client


def _assert_styled_400(response, reason: str = NUL_REASON) -> str:
    assert response.status_code == 400
    assert not response.streaming  # a 400 page, never a CSV cut short
    page = response.content.decode()
    assert "<title>Bad request · Partner Center</title>" in page
    assert reason in page and "Nothing was saved" in page
    return page


@pytest.fixture
def staff_client(world) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(staff_user())
    return client


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("a_admin", "customers:list"),
        ("a_admin", "customers:export"),
        # The admin center's Users search, for a partner agent on the customer's behalf and the customer's own admin.
        ("a_admin", "admincenter:users"),
        ("x_ga", "admincenter:users"),
    ],
)
def test_a_nul_in_a_search_gets_the_styled_400(world, client_for, persona, url_name):
    args = [world.customer_x.public_id] if url_name.startswith("admincenter:") else []
    response = _client(client_for, persona).get(reverse(url_name, args=args), {"q": f"conto{NUL}so"})
    _assert_styled_400(response)


def test_the_customers_export_without_a_nul_is_whole(world, client_for):
    response = _client(client_for, "a_admin").get(reverse("customers:export"), {"q": "conto"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and world.customer_x.name in body


@pytest.mark.parametrize(
    "params",
    [
        {"q": NUL},
        {"state__exact": NUL},  # a list filter
        {"q": "contoso", "include_delegated_admin__exact": f"1{NUL}"},
        {f"state__exact{NUL}": "pending"},  # in a parameter's name
    ],
)
def test_a_nul_in_a_django_admin_changelist_gets_the_styled_400(staff_client, params):
    response = staff_client.get(reverse("admin:relationships_relationshiprequest_changelist"), params)
    _assert_styled_400(response)


def test_the_django_admin_changelist_still_searches_and_filters(world, staff_client):
    response = staff_client.get(
        reverse("admin:relationships_relationshiprequest_changelist"), {"q": "Fabrikam", "state__exact": "pending"}
    )
    assert response.status_code == 200


def test_a_nul_in_a_form_field_gets_the_styled_400_and_writes_nothing(world, client_for):
    users, events = User.objects.count(), AuditEvent.objects.count()
    data = {"first_name": f"Meg{NUL}an", "last_name": "Bowen", "email": "megan@contoso.test"}
    data["password"] = "Quiet-harbour-lantern-42"
    url = reverse("admincenter:user_new", args=[world.customer_x.public_id])
    _assert_styled_400(_client(client_for, "x_ga").post(url, data))
    assert User.objects.count() == users and AuditEvent.objects.count() == events


def test_a_nul_in_the_sign_in_form_gets_the_styled_400(db):
    response = Client().post(reverse("account_login"), {"login": f"a{NUL}@b.test", "password": "x"})
    _assert_styled_400(response)


def test_a_nul_in_the_path_gets_the_styled_400(db):
    _assert_styled_400(Client().get("/invitations/abc%00def/"))


def test_the_400_page_is_in_the_pages_language(world, client_for):
    client = _client(client_for, "a_admin")
    response = client.get(reverse("customers:list"), {"q": NUL}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    page = response.content.decode()
    assert response.status_code == 400 and 'lang="zh-hant"' in page
    assert "要求無效" in page and NUL_REASON_ZH in page
    client.cookies["django_language"] = "zh-hant"
    assert NUL_REASON_ZH in client.get(reverse("customers:list"), {"q": NUL}).content.decode()


def test_a_cookie_with_a_nul_is_ignored_not_a_500(world):
    """The visitor cannot edit a cookie: one that holds a NUL counts as absent (here: no session, so signed out)."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = f"abcdefghijklmnop{NUL}"
    response = client.get(reverse("customers:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("account_login")).status_code == 200


# Django's own limits, which it answers with a bare 400 of its default template.


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_size_limit_gets_the_styled_400_in_the_pages_language(world, client_for):
    users = User.objects.count()
    data = {"first_name": "M" * 2000, "last_name": "Bowen", "email": "megan@contoso.test"}
    url = reverse("admincenter:user_new", args=[world.customer_x.public_id])
    client = _client(client_for, "x_ga")
    _assert_styled_400(client.post(url, data), "larger than this site accepts at once")
    page = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "您送出的內容超過本網站單次可接受的大小。" in page
    assert User.objects.count() == users


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=20)
def test_too_many_fields_get_the_styled_400_in_the_pages_language(world, client_for):
    client = _client(client_for, "a_admin")
    many = {f"f{i}": "1" for i in range(50)}
    _assert_styled_400(client.get(reverse("customers:list"), many), "more fields than this site accepts at once")
    users = User.objects.count()
    url = reverse("admincenter:user_new", args=[world.customer_x.public_id])
    page = client.post(url, many, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "您送出的內容欄位數超過本網站單次可接受的數量。" in page
    assert User.objects.count() == users


def test_a_csrf_failure_gets_the_styled_403_in_the_pages_language(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.x_ga)
    users = User.objects.count()
    data = {"first_name": "Megan", "last_name": "Bowen", "email": "megan@contoso.test"}
    url = reverse("admincenter:user_new", args=[world.customer_x.public_id])
    assert client.get(url).status_code == 200  # sets the CSRF cookie; the form's token is then not sent back
    response = client.post(url, {**data, "csrfmiddlewaretoken": "x" * 32}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    page = response.content.decode()
    assert response.status_code == 403 and 'lang="zh-hant"' in page
    assert "無法送出表單" in page and "未儲存任何內容" in page
    assert "登出" in page  # the signed-in page shell ("Sign out"), not Django's bare page
    assert User.objects.count() == users


def test_a_csrf_failure_without_the_cookie_says_to_allow_cookies(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "ga@contoso.test", "password": "x"})
    assert response.status_code == 403
    assert "Allow cookies for this site" in response.content.decode()


@pytest.mark.parametrize("path", ["/no-such-page/", "/customers/00000000-0000-0000-0000-000000000000/"])
def test_with_debug_on_a_404_is_the_portals_page_not_djangos_debug_page(world, client_for, settings, path):
    """`make run` serves with DEBUG on: an unknown address, or an object that does not exist, still gets the portal's
    own page (in the user's language, with its navigation), never the debug page that lists every URL pattern."""
    settings.DEBUG = True
    client = _client(client_for, "a_admin")
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到頁面" in page or "Page not found" in page
    assert "URLconf" not in page and "urlpatterns" not in page
    assert "customers:list" not in page and 'href="/customers/"' in page  # the portal's navigation


def test_with_debug_on_a_missing_slash_is_still_redirected(world, client_for, settings):
    settings.DEBUG = True
    assert _client(client_for, "a_admin").get("/customers").status_code == 301
