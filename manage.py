#!/usr/bin/env python
"""Django's command-line utility for Realise (the same as the `realise` console script)."""

from realise.cli import main

if __name__ == "__main__":
    main()
