"""Files that run inside the sandbox (standard library and numpy only): the harness, its workers, the wire format."""
