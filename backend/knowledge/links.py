"""Links out of a watched folder are not followed: the index holds only what is inside.

A symbolic link (or a junction, or a linked folder on the way) in a watched folder may lead
anywhere: to a system file, to another user's notes. The agent's ``read_file`` refuses such a
path, so the index must not serve its content through search or ``read_document`` either.
The rule is the same: resolve every link, and the result must still lie in the watched folder.
"""

from __future__ import annotations

from pathlib import Path

from backend.knowledge.files import walk_files

OUTSIDE = "a link to a file outside the watched folder: not indexed"


def stays_inside(path: Path, root: Path) -> bool:
    """Whether ``path``, every link on its way followed, still lies in the watched folder
    ``root`` (as it was when it was added: a root since replaced by a link keeps nothing)."""
    try:
        real = path.resolve()
        real_root = root.resolve()
    except (OSError, RuntimeError):
        # A loop of links leads nowhere: nothing is read through it (it is listed broken).
        return True
    return real.is_relative_to(real_root) and real.is_relative_to(root)


def watched_files(root: Path, below: Path | None = None) -> list[Path]:
    """The files ``walk_files`` finds in the watched folder ``root`` (or in its subfolder
    ``below``) that stay inside ``root``."""
    return [path for path in walk_files(below or root) if stays_inside(path, root)]


def leads_outside(path: Path, roots: list[Path]) -> bool:
    """Whether ``path`` lies in some of the watched folders ``roots`` but, links followed,
    in none of them (a path in no watched folder is not this rule's business)."""
    containing = [root for root in roots if path.is_relative_to(root)]
    return bool(containing) and not any(stays_inside(path, root) for root in containing)
