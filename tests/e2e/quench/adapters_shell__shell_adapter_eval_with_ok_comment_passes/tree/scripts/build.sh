#!/bin/bash
# OK: User-provided command is validated above
eval "$user_cmd"
