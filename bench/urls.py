"""The product's URLs plus the benchmark's bare page. Used only when ROOT_URLCONF=bench.urls (the benchmark sets it)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/bare/", views.bare_table, name="bench_bare"),
    path("", include("partnercenter.urls")),
]
