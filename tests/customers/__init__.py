"""Tests of the customers app."""
