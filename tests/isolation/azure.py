"""Azure subscriptions: the admin center's pages and the partner's Add Azure subscription.

The matrix's subscription is customer X's, provisioned by partner A: A's Admin Agents are its Owner (the seed's
rule) and A's Helpdesk Agents Contributor; X's plain user is Reader; X's Global admin holds no role on it but, as the
tenant's own Global admin, may see it and manage its access. A's Sales agent holds no role: it is refused X's Azure
list (403, with the reason) and finds no subscription there (404). Delegated admin plays no part, nor do X's directory
roles: X's User Administrator, Helpdesk Administrator and Global Reader hold no role on it, so their list is empty and
the subscription does not exist for them (404); creating a subscription is for X's own Global admins (403)."""

from django.urls import reverse

from . import SIGNED_IN_ONLY_405, Route, row

# Columns (see row()): a_admin a_sales a_helpdesk b_admin | x_ga x_useradmin x_helpdesk x_reader x_user | y_ga anon
LIST = row("200 403 200 404 | 200 200 200 200 200 | 404 302")
CREATE_OWN = row("403 403 403 404 | 200 403 403 403 403 | 404 302")
CREATE_OWN_POST = row("403 403 403 404 | 400 403 403 403 403 | 404 302")  # an empty form: the name is missing
SEE = row("200 404 200 404 | 200 404 404 404 200 | 404 302", x_secreader=404)
RESOURCES = row("200 404 200 404 | 403 404 404 404 403 | 404 302", x_secreader=404)
RESOURCES_POST = row("400 404 400 404 | 403 404 404 404 403 | 404 302", x_secreader=404)
RESOURCE_DELETE = row("302 404 302 404 | 403 404 404 404 403 | 404 302", x_secreader=404)
ACCESS = row("200 404 403 404 | 200 404 404 404 403 | 404 302", x_secreader=404)
ACCESS_POST = row("400 404 403 404 | 400 404 404 404 403 | 404 302", x_secreader=404)
ACCESS_REMOVE = row("302 404 403 404 | 302 404 404 404 403 | 404 302", x_secreader=404)
PROVISION = row("200 403 403 404 | 404 404 404 404 404 | 404 302")
PROVISION_POST = row("400 403 403 404 | 404 404 404 404 404 | 404 302")


class Azure:
    """What the matrix's tests need, made the first time a route asks for it (the personas' world has no Azure
    subscription of its own)."""

    def __init__(self, w):
        from azure_subscriptions.models import AzureRoleAssignment, ResourceGroup
        from azure_subscriptions.services import azure_subscription_provision
        from partnercenter.models import SecurityGroup

        self.subscription = azure_subscription_provision(
            partner=w.partner_a, customer=w.customer_x, name="Matrix subscription", agent=w.a_admin
        )
        helpdesk = SecurityGroup.objects.get(tenant=w.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)
        AzureRoleAssignment.objects.create(subscription=self.subscription, role="contributor", group=helpdesk)
        self.reader = AzureRoleAssignment.objects.create(subscription=self.subscription, role="reader", user=w.x_user)
        self.group = ResourceGroup.objects.create(subscription=self.subscription, name="rg-matrix", region="eastus")


def _azure(w) -> Azure:
    if not hasattr(w, "_azure"):
        w._azure = Azure(w)
    return w._azure


def _x(w):
    return w.customer_x.public_id


def _s(w):
    return _azure(w).subscription.public_id


def _tenant_url(name: str):
    def url(w) -> str:
        _azure(w)
        return reverse(name, args=[_x(w)])

    return url


def _url(name: str, *extra):
    return lambda w: reverse(name, args=[_x(w), _s(w), *(f(w) for f in extra)])


ROUTES: dict[str, Route] = {
    "admincenter:azure_subscriptions": Route(
        _tenant_url("admincenter:azure_subscriptions"),
        get=LIST,
        post=SIGNED_IN_ONLY_405,
    ),
    "admincenter:azure_subscription_new": Route(
        _tenant_url("admincenter:azure_subscription_new"),
        get=CREATE_OWN,
        post=CREATE_OWN_POST,
    ),
    "admincenter:azure_subscription": Route(_url("admincenter:azure_subscription"), get=SEE, post=SIGNED_IN_ONLY_405),
    "admincenter:azure_resource_group_new": Route(
        _url("admincenter:azure_resource_group_new"), get=RESOURCES, post=RESOURCES_POST
    ),
    "admincenter:azure_resource_group_delete": Route(
        _url("admincenter:azure_resource_group_delete", lambda w: _azure(w).group.public_id),
        get=RESOURCES,
        post=RESOURCE_DELETE,
    ),
    "admincenter:azure_access_control": Route(
        _url("admincenter:azure_access_control"), get=SEE, post=SIGNED_IN_ONLY_405
    ),
    "admincenter:azure_role_assignment_add": Route(
        _url("admincenter:azure_role_assignment_add"), get=ACCESS, post=ACCESS_POST
    ),
    "admincenter:azure_role_assignment_remove": Route(
        _url("admincenter:azure_role_assignment_remove", lambda w: _azure(w).reader.public_id),
        get=ACCESS,
        post=ACCESS_REMOVE,
    ),
    "customers:azure_subscription_new": Route(
        lambda w: reverse("customers:azure_subscription_new", args=[_x(w)]), get=PROVISION, post=PROVISION_POST
    ),
}
