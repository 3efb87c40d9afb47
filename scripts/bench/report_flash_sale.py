"""Placeholder until the section is measured: says so in the report."""


def render(raw, charts):
    return "## flash_sale\n\nNot measured yet.\n"
