"""Placeholder until the section is measured: says so in the report."""


def render(raw, charts):
    return "## round_trips\n\nNot measured yet.\n"
