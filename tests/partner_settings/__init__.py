"""Tests of the partner_settings app."""
