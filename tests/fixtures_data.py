"""Shared fixtures for this room's tests."""
