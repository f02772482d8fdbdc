"""Tests of the azure_subscriptions app."""
