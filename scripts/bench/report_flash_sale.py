"""Placeholder until the section is measured: says so in the report."""


def render(raw, charts):
    return "## 5. Flash sale\n\nNot measured yet (see issue 15).\n"
