#!/bin/bash
echo 'building'
