# VIOLATION: eval() without EVAL comment
result = eval("1 + 2")
