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


def lines(path, title, xlabel, ylabel, series, reference=None):
    """Writes a line chart to `path` (PNG): `series` is [(label, xs, ys)]; `reference` an optional
    (label, xs, ys) drawn dashed (e.g. what the limit allows)."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    if reference:
        label, xs, ys = reference
        ax.plot(xs, ys, linestyle="--", color="#888888", label=label)
    for label, xs, ys in series:
        ax.plot(xs, ys, label=label)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
