"""Tests of the admin_relationships app."""
