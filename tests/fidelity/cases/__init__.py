"""Fidelity configurations of one kind each: every module here defines ``CONFIGS`` (name →
descriptor as a user writes it). ``tests/fidelity/configs.py`` merges them with its own, so a new
kind adds its configurations in a module of its own."""
