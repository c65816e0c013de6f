"""The System page's charts as plain Plotly JSON (``{"data": [...], "layout": {...}}``).

Pure functions only, so the tests check them without a server; the state sends these
figures to the browser as they are.
"""

from __future__ import annotations

from typing import Any

from frontend.state.system_models import PollPoint, local_time

# Radix step-9 colours, so the lines match the badges and tiles around them.
COLORS = {"indigo": "#3e63dd", "teal": "#12a594", "amber": "#ffc53d", "crimson": "#e93d82"}
POLL_POINTS = 120


def _layout(y_title: str, percent_axis: bool, y2_title: str = "") -> dict[str, Any]:
    grid = "rgba(128,128,128,0.18)"
    layout: dict[str, Any] = {
        "autosize": True,
        "height": 220,
        "margin": {"l": 48, "r": 48 if y2_title else 16, "t": 8, "b": 32},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "system-ui, sans-serif", "size": 11},
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "xaxis": {
            "type": "date",
            "gridcolor": grid,
            # Plotly puts at least five times on an axis however narrow; in a phone-sized
            # window they ran into one another. At most four, and no seconds once the ticks
            # are a minute or more apart, keep them apart at any width.
            "nticks": 4,
            "tickformatstops": [
                {"dtickrange": [None, 60_000], "value": "%H:%M:%S"},
                {"dtickrange": [60_000, None], "value": "%H:%M"},
            ],
        },
        "yaxis": {"title": {"text": y_title}, "gridcolor": grid, "rangemode": "tozero"},
        "uirevision": "keep",
    }
    if percent_axis:
        layout["yaxis"]["range"] = [0, 100]
    if y2_title:
        layout["yaxis2"] = {
            "title": {"text": y2_title},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        }
    return layout


def _line(x: list[str], y: list[Any], name: str, color: str, axis: str = "y") -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": x,
        "y": y,
        "name": name,
        "yaxis": axis,
        "line": {"color": COLORS[color], "width": 2},
        "hovertemplate": "%{y:.1f}<extra>" + name + "</extra>",
    }


def _times(series: dict[str, Any]) -> list[str]:
    return [local_time(ts) for ts in series.get("ts", [])]


def _app(series: dict[str, Any], measure: str) -> list[Any]:
    """AgentDesk's total; history stored before totals were kept has only its own process."""
    total = list(series.get(f"total_{measure}", []))
    own = list(series.get(f"process_{measure}", []))
    if len(total) != len(own):
        return own
    return [t if t is not None else o for t, o in zip(total, own, strict=True)]


def cpu_figure(series: dict[str, Any]) -> dict[str, Any]:
    """The machine's CPU, AgentDesk's with all it started, and the model server's, in percent."""
    x = _times(series)
    return {
        "data": [
            _line(x, list(series.get("cpu_percent", [])), "Machine", "indigo"),
            _line(x, _app(series, "cpu_percent"), "AgentDesk", "teal"),
            _line(x, list(series.get("model_cpu_percent", [])), "Model server", "amber"),
        ],
        "layout": _layout("CPU %", percent_axis=False),
    }


def memory_figure(series: dict[str, Any]) -> dict[str, Any]:
    """The machine's memory in percent; AgentDesk's resident memory with all it started, and
    the model server's, in MB on the right."""
    x = _times(series)
    return {
        "data": [
            _line(x, list(series.get("memory_percent", [])), "Machine %", "indigo"),
            _line(x, _app(series, "rss_mb"), "AgentDesk MB", "teal", "y2"),
            _line(x, list(series.get("model_rss_mb", [])), "Model server MB", "amber", "y2"),
        ],
        "layout": _layout("RAM %", percent_axis=True, y2_title="MB"),
    }


def gpu_figure(series: dict[str, Any]) -> dict[str, Any]:
    """GPU load and GPU memory in percent (empty lines on a machine without one)."""
    x = _times(series)
    return {
        "data": [
            _line(x, list(series.get("gpu_percent", [])), "GPU load", "crimson"),
            _line(x, list(series.get("gpu_memory_percent", [])), "GPU memory", "amber"),
        ],
        "layout": _layout("GPU %", percent_axis=True),
    }


def _steps(x: list[str], y: list[Any], name: str, color: str, axis: str = "y") -> dict[str, Any]:
    line = _line(x, y, name, color, axis)
    line["line"]["shape"] = "hv"
    return line


def knowledge_figure(points: list[PollPoint]) -> dict[str, Any]:
    """Files waiting to be ingested and chunks in the index, since the page opened."""
    x = [p.ts for p in points]
    return {
        "data": [
            _steps(x, [p.queue for p in points], "Ingest queue", "amber"),
            _line(x, [p.chunks for p in points], "Index chunks", "indigo", "y2"),
        ],
        "layout": _layout("files", percent_axis=False, y2_title="chunks"),
    }


def agents_figure(points: list[PollPoint]) -> dict[str, Any]:
    """Agent runs going and waiting, and the model's tokens/s when the server reports it."""
    x = [p.ts for p in points]
    data = [
        _steps(x, [p.running for p in points], "Runs going", "teal"),
        _steps(x, [p.waiting for p in points], "Runs waiting", "amber"),
    ]
    if any(p.tokens_per_second is not None for p in points):
        rates = [p.tokens_per_second for p in points]
        data.append(_line(x, rates, "Tokens/s", "crimson", "y2"))
    layout = _layout("runs", percent_axis=False, y2_title="tokens/s" if len(data) > 2 else "")
    layout["yaxis"]["dtick"] = 1
    return {"data": data, "layout": layout}


def keep_last(points: list[PollPoint], new: PollPoint) -> list[PollPoint]:
    """``points`` with ``new`` added, at most the last 120.

    Polls are faster than the monitor's samples: a poll of the same sample replaces the last
    point, since the index and the queue may have changed in between.
    """
    if points and points[-1].ts == new.ts:
        return [*points[:-1], new]
    return [*points, new][-POLL_POINTS:]
