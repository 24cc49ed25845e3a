"""`python -m perimeter`: the command line, as the `perimeter` script runs it."""

from .cli.main import run

if __name__ == "__main__":
    run()
