"""The Qt face of the app (PySide6 only here)."""
