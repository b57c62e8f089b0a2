# VIOLATION: breakpoint() in source code (forbidden)
def debug_something():
    breakpoint()
    return 42
