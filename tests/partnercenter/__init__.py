"""Tests of the partnercenter app."""
