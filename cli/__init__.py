"""The ``sticoop`` command line: thin wrappers over the library."""
