"""The customer's admin center: a tenant's users, roles, subscriptions and licences, activity — used by the
tenant's own administrators and by partner agents acting on its behalf within their effective roles."""
