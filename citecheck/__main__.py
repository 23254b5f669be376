"""python -m citecheck: the command-line interface."""

from citecheck.cli import main

main()
