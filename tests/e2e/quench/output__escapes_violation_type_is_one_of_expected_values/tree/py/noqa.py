# VIOLATION: # noqa without justification comment
x = 1  # noqa: E501
