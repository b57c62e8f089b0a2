#!/bin/bash
eval "$user_cmd"
