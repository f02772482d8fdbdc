"""Tests of the autopilot app."""
