"""The desktop GUI: the only package (with app.py) that imports PySide6."""
