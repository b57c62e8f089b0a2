# VIOLATION: exec() without EXEC comment
exec("x = 42")
