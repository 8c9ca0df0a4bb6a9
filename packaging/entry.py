"""Entry point of the frozen program (PyInstaller): one script, two executables.

``XihuDesk`` (windowed on Windows) opens the program; ``xihu-desk`` (console) is the command line.
Both are built from this file by packaging/xihu-desk.spec and share one folder of libraries.
"""

import sys
from pathlib import Path


def _main() -> int:
    name = Path(sys.executable).stem.lower()
    if name == "xihudesk":
        from xihu_desk.app import main

        return main()
    from xihu_desk.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    raise SystemExit(_main())
