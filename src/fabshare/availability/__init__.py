"""Availability: published free time of resources, recurring rules, calendar feeds."""
