"""Tests of the relationships app."""
