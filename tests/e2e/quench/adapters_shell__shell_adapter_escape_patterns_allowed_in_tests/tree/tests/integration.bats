#!/usr/bin/env bats
set +e
eval "echo test"
@test 'works' { true; }
