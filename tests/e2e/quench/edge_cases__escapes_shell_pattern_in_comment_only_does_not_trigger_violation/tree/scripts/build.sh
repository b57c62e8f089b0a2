#!/bin/bash
# This variable is used with eval in the calling script
export MY_VAR="value"
