#!/bin/bash
# Using eval here
eval "$CMD"
