# VIOLATION: # type: ignore without justification comment
value: str = 123  # type: ignore
