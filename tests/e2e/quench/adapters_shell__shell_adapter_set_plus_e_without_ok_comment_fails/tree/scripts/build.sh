#!/bin/bash
set +e
cleanup_files
set -e
echo 'done'
