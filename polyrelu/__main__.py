"""``python -m polyrelu ...`` is the ``polyrelu`` command (for environments without the script)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
