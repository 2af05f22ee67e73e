"""A Python descriptor whose code fails."""

BASE = {"name": "raises"}
descriptor = {**BASE, "model": missing_variable}
