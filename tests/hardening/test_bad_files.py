"""The bad-file corpus dropped into the inbox of the running app (see bad_files.py).

Every file must end in a stated state (indexed, skipped or failed with a short reason, or
gone because it was deleted), the app must answer health checks and chat throughout, a
normal file dropped afterwards must still be indexed and found, and the app's memory must
stay within a generous bound over its own baseline in the same run. The table of final
states and the memory figures are printed. ``BAD_FILES_BIG_MB`` sets the big file's size
(the release run uses 200: ``python -m tests.hardening.bad_files --big-mb 200 --run``).
"""

from __future__ import annotations

import os

import pytest

from tests.hardening.bad_files import DEFAULT_BIG_MB
from tests.hardening.drop_run import print_report, run_drop

# Memory the app may grow by over its baseline while it ingests the corpus (a 20 MB file
# costs about 250 MB): generous, so it only catches files read or held many times over.
MAX_GROWTH_BYTES = 1.5 * 1024**3
# Keeps a stuck file from hanging the suite; the run takes about a minute on 2 busy cores.
HANG_GUARD_SECONDS = 240


@pytest.mark.slow
@pytest.mark.timeout(HANG_GUARD_SECONDS + 120)
def test_every_bad_file_ends_stated_and_the_app_stays_well(
    capsys: pytest.CaptureFixture[str],
) -> None:
    big_mb = float(os.environ.get("BAD_FILES_BIG_MB", DEFAULT_BIG_MB))
    report = run_drop(big_mb, timeout=HANG_GUARD_SECONDS)
    with capsys.disabled():
        print_report(report)
    assert report.problems == []
    assert report.peak_rss - report.baseline_rss < MAX_GROWTH_BYTES
