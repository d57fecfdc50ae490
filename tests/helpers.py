"""Small builders the storage tests share."""

from workbook import spaces

PASS_A = "lamp river quiet plum"
PASS_B = "green tea mountain bell"


def make_space(db, login="sam", name="Sam", space="Sam and Alex", secret=PASS_A):
    return spaces.create_space(
        db, space_name=space, display_name=name, login=login, passphrase=secret, confirm=secret
    )


def join(db, code, login="alex", name="Alex", secret=PASS_B):
    return spaces.join_space(
        db, code=code, display_name=name, login=login, passphrase=secret, confirm=secret
    )


def shared_dir():
    """The project's shared folder (design notes, seed article, tools), or None.

    It sits beside the main checkout; a worktree is one level deeper, so look up.
    """
    from pathlib import Path

    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "design").is_dir():
            return parent / "shared"
    return None
