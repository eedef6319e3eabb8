#!/usr/bin/env bash
# Placeholder until the OpenSearch launcher lands: prints nothing, so OpenSearch tests skip.
exit 0
