"""One chart style for every section: horizontal bars, one per subject, value labels."""

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402


def bars(path, title, unit, labels, values, log_scale=False):
    """Writes a horizontal bar chart of `values` (one per label) to `path` (PNG)."""
    height = 0.5 + 0.45 * len(labels)
    fig, ax = plt.subplots(figsize=(8, height + 1))
    ax.barh(labels[::-1], values[::-1], color="#4c72b0")
    if log_scale:
        ax.set_xscale("log")
    for y, value in enumerate(values[::-1]):
        ax.text(value, y, f" {value:,.1f}", va="center", fontsize=8)
    ax.set_title(title)
    ax.set_xlabel(unit)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
