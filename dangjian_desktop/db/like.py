"""Text matched with SQL LIKE as itself."""


def like_text(text: str) -> str:
    """Text for LIKE … ESCAPE '\\': its own %, _ and \\ matched as themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
