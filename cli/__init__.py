"""perimeter's command line: a thin shell over the `perimeter` library."""
